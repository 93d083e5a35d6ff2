// Wallet tokens through stripe-node. No Stripe call creates a token (a
// wallet does), so they come from localissuing's test helper, which the SDK
// reaches with rawRequest; the rest is the SDK's own issuing.tokens.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {baseURL, client, keyFor, newCard, newToken} from './lib/env.js';

test('provision, retrieve, update a token', async () => {
  const stripe = client(keyFor());
  const card = await newCard(stripe);
  const created = await newToken(stripe, card.id, {
    wallet_provider: 'google_pay', device_fingerprint: 'fp_123', device: {name: 'Pixel 9', type: 'phone'},
  });
  assert.match(created.id, /^intok_/);
  assert.equal(created.object, 'issuing.token');
  assert.equal(created.status, 'active');
  assert.equal(created.wallet_provider, 'google_pay');
  assert.equal(created.network, 'visa');
  assert.equal(created.card, card.id);
  assert.equal(created.device_fingerprint, 'fp_123');
  assert.equal(created.lastResponse.statusCode, 200);

  const got = await stripe.issuing.tokens.retrieve(created.id);
  assert.equal(got.id, created.id);
  assert.equal(got.network_data, undefined);
  const expanded = await stripe.issuing.tokens.retrieve(created.id, {expand: ['network_data', 'card']});
  assert.equal(expanded.network_data.type, 'visa');
  assert.equal(expanded.network_data.device.name, 'Pixel 9');
  assert.equal(expanded.card.id, card.id);

  const steps = [['suspended', 'suspended'], ['active', 'active'], ['deleted', 'deleted']];
  for (const [status, want] of steps) {
    const up = await stripe.issuing.tokens.update(created.id, {status});
    assert.equal(up.status, want);
  }
  await assert.rejects(stripe.issuing.tokens.update(created.id, {status: 'active'}), (err) => {
    assert.equal(err.type, 'StripeInvalidRequestError');
    assert.equal(err.statusCode, 400);
    return true;
  });
});

test('the network helpers take an empty POST body', async () => {
  const stripe = client(keyFor());
  const card = await newCard(stripe);
  const requested = await newToken(stripe, card.id, {status: 'requested'});
  assert.equal(requested.status, 'requested');
  // rawRequest with no params sends Content-Length: 0 and the form content type.
  const active = await stripe.rawRequest('POST', `/v1/test_helpers/issuing/tokens/${requested.id}/activate`);
  assert.equal(active.status, 'active');
  const deleted = await stripe.rawRequest('POST', `/v1/test_helpers/issuing/tokens/${requested.id}/delete`, {});
  assert.equal(deleted.status, 'deleted');
});

test('the token helper over plain HTTP, as any client would call it', async () => {
  const key = keyFor();
  const card = await newCard(client(key));
  const res = await fetch(new URL('/v1/test_helpers/issuing/tokens', baseURL), {
    method: 'POST',
    headers: {Authorization: `Bearer ${key}`, 'Content-Type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams({card: card.id, wallet_provider: 'samsung_pay', 'device[type]': 'watch'}),
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('request-id'), /^req_/);
  const tok = await res.json();
  assert.equal(tok.wallet_provider, 'samsung_pay');
  assert.equal(tok.card, card.id);
});

test('list a card\'s tokens with filters and auto-pagination', async () => {
  const stripe = client(keyFor());
  const card = await newCard(stripe);
  const other = await newCard(stripe);
  const made = [];
  for (let i = 0; i < 5; i++) made.push(await newToken(stripe, card.id));
  await newToken(stripe, other.id);
  await stripe.issuing.tokens.update(made[1].id, {status: 'suspended'});

  const page = await stripe.issuing.tokens.list({card: card.id, limit: 2});
  assert.equal(page.data.length, 2);
  assert.equal(page.has_more, true);

  // Pages of two: three requests, newest first, only this card's tokens.
  const all = [];
  for await (const t of stripe.issuing.tokens.list({card: card.id, limit: 2})) all.push(t.id);
  assert.deepEqual(all, made.map((t) => t.id).reverse());

  const suspended = await stripe.issuing.tokens.list({card: card.id, status: 'suspended'});
  assert.deepEqual(suspended.data.map((t) => t.id), [made[1].id]);

  await assert.rejects(stripe.issuing.tokens.list({card: 'ic_nope'}), {statusCode: 404, code: 'resource_missing'});
});
