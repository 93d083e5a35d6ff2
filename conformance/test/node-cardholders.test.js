// Cardholders through stripe-node: create, retrieve, update, list.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {billing, client, keyFor, newCardholder} from './lib/env.js';

const stripe = client(keyFor());

test('create, retrieve and update a cardholder', async () => {
  const created = await stripe.issuing.cardholders.create({
    name: 'Jenny Rosen', email: 'jenny@example.com', phone_number: '+18008675309',
    billing, metadata: {team: 'card ops'},
  });
  assert.match(created.id, /^ich_/);
  assert.equal(created.object, 'issuing.cardholder');
  assert.equal(created.name, 'Jenny Rosen');
  assert.equal(created.billing.address.line1, '1 Main St');
  assert.equal(created.status, 'active');
  assert.equal(created.type, 'individual');
  assert.equal(created.livemode, false);
  assert.deepEqual(created.metadata, {team: 'card ops'});
  assert.equal(created.lastResponse.statusCode, 200);
  assert.match(created.lastResponse.requestId, /^req_/);

  const got = await stripe.issuing.cardholders.retrieve(created.id);
  assert.equal(got.id, created.id);
  assert.equal(got.email, 'jenny@example.com');

  const updated = await stripe.issuing.cardholders.update(created.id, {
    email: 'jenny.rosen@example.com', metadata: {team: '', floor: '3'}, status: 'inactive',
  });
  assert.equal(updated.email, 'jenny.rosen@example.com');
  assert.equal(updated.status, 'inactive');
  // An empty metadata value deletes the key, as on Stripe.
  assert.deepEqual(updated.metadata, {floor: '3'});
});

test('list cardholders with filters and auto-pagination', async () => {
  const stripe = client(keyFor());
  const made = [];
  for (const [i, email] of ['a@example.com', 'b@example.com', 'c@example.com', 'b@example.com'].entries()) {
    made.push(await newCardholder(stripe, `Holder ${'ABCD'[i]}`, {email}));
  }
  const page = await stripe.issuing.cardholders.list({limit: 3});
  assert.equal(page.object, 'list');
  assert.equal(page.url, '/v1/issuing/cardholders');
  assert.equal(page.data.length, 3);
  assert.equal(page.has_more, true);
  // Newest first.
  assert.deepEqual(page.data.map((c) => c.id), made.slice(1).reverse().map((c) => c.id));

  const bs = await stripe.issuing.cardholders.list({email: 'b@example.com'});
  assert.deepEqual(bs.data.map((c) => c.id), [made[3].id, made[1].id]);

  // Auto-pagination follows starting_after one page of one at a time.
  const all = await stripe.issuing.cardholders.list({limit: 1}).autoPagingToArray({limit: 100});
  assert.deepEqual(all.map((c) => c.id), made.map((c) => c.id).reverse());
});
