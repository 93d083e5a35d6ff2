// What stripe-node puts on the wire, seen through a recorder, and the
// server taking it: indexed arrays, %20 spaces, empty bodies, telemetry,
// restricted keys, and idempotent retries.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {baseURL, billing, client, keyFor, newCard, newCardholder, shipping} from './lib/env.js';
import {startRecorder} from './lib/recorder.js';

let rec;
before(async () => {
  rec = await startRecorder(baseURL);
});
after(() => rec.close());

test('arrays as expand[0]= and spaces as %20', async () => {
  const stripe = client(keyFor(), {base: rec.url});
  const holder = await newCardholder(stripe, 'Jenny Rosen', {preferred_locales: ['en', 'fr']});
  assert.equal(holder.name, 'Jenny Rosen');
  assert.deepEqual(holder.preferred_locales, ['en', 'fr']);
  const body = rec.find('POST', '/v1/issuing/cardholders').at(-1).body;
  assert.match(body, /name=Jenny%20Rosen/);
  assert.match(body, /preferred_locales\[0\]=en&preferred_locales\[1\]=fr/);

  const card = await newCard(stripe, {cardholder: holder.id});
  const got = await stripe.issuing.cards.retrieve(card.id, {expand: ['number', 'cvc']});
  assert.match(got.number, /^\d{16}$/);
  assert.match(rec.find('GET', `/v1/issuing/cards/${card.id}`).at(-1).url, /\?expand\[0\]=number&expand\[1\]=cvc$/);
});

test('empty POST bodies', async () => {
  const stripe = client(keyFor(), {base: rec.url});
  const card = await newCard(stripe, {type: 'physical', status: 'inactive', shipping});
  const shipped = await stripe.testHelpers.issuing.cards.shipCard(card.id);
  assert.equal(shipped.shipping.status, 'shipped');
  const ex = rec.find('POST', `/v1/test_helpers/issuing/cards/${card.id}/shipping/ship`).at(-1);
  assert.equal(ex.body, '');
  assert.equal(ex.headers['content-type'], 'application/x-www-form-urlencoded');
  // An update with nothing to change is a POST with an empty body too.
  const same = await stripe.issuing.cards.update(card.id);
  assert.equal(same.id, card.id);
});

test('telemetry and version headers are accepted', async () => {
  const stripe = client(keyFor(), {base: rec.url});
  const start = rec.exchanges.length;
  await stripe.issuing.cardholders.list();
  await stripe.issuing.cardholders.list();
  const [first, second] = rec.exchanges.slice(start);
  assert.match(first.headers['stripe-version'], /^\d{4}-\d{2}-\d{2}\.\w+$/);
  const telemetry = JSON.parse(second.headers['x-stripe-client-telemetry']);
  assert.equal(telemetry.last_request_metrics.request_id, first.responseHeaders['request-id']);
  assert.equal(second.status, 200);
  // The server answers in the version the client asked for.
  assert.equal(second.responseHeaders['stripe-version'], second.headers['stripe-version']);
});

test('a restricted key works like a secret key, as its own account', async () => {
  const restricted = client(keyFor('rk_test_'));
  const holder = await newCardholder(restricted);
  assert.equal((await restricted.issuing.cardholders.retrieve(holder.id)).id, holder.id);
  await assert.rejects(client(keyFor()).issuing.cardholders.retrieve(holder.id), {statusCode: 404});
});

// stripe-node retries a dropped connection once even with retries off,
// and up to maxNetworkRetries times otherwise; either way the retry must
// get the object the lost response carried, not a second one.
for (const maxNetworkRetries of [2, 0]) {
  test(`a retried POST replays the first result (maxNetworkRetries ${maxNetworkRetries})`, async () => {
    const key = keyFor();
    const stripe = client(key, {base: rec.url, maxNetworkRetries});
    const mine = (ex) => ex.method === 'POST' && ex.url === '/v1/issuing/cardholders' && ex.headers.authorization === `Bearer ${key}`;
    rec.dropResponse(mine);
    const holder = await newCardholder(stripe);

    const [lost, retry, ...more] = rec.exchanges.filter(mine);
    assert.equal(more.length, 0);
    assert.equal(lost.dropped, true);
    assert.match(lost.headers['idempotency-key'], /.+/);
    assert.equal(retry.headers['idempotency-key'], lost.headers['idempotency-key']);
    assert.equal(retry.responseHeaders['idempotent-replayed'], 'true');
    assert.equal(JSON.parse(lost.responseBody).id, holder.id);
    assert.equal(retry.responseBody, lost.responseBody);
    assert.deepEqual((await stripe.issuing.cardholders.list()).data.map((c) => c.id), [holder.id]);
  });
}

test('an explicit idempotency key gives the same object twice', async () => {
  const stripe = client(keyFor());
  const idempotencyKey = `create-card-${Date.now()}`;
  const holder = await newCardholder(stripe);
  const params = {cardholder: holder.id, currency: 'usd', type: 'virtual'};
  const first = await stripe.issuing.cards.create(params, {idempotencyKey});
  const second = await stripe.issuing.cards.create(params, {idempotencyKey});
  assert.equal(second.id, first.id);
  assert.equal(second.lastResponse.headers['idempotent-replayed'], 'true');
  await assert.rejects(stripe.issuing.cards.create({...params, status: 'active'}, {idempotencyKey}),
    {type: 'StripeIdempotencyError', statusCode: 400});
  assert.equal((await stripe.issuing.cards.list()).data.length, 1);
});

test('the form content type on a GET is accepted', async () => {
  // stripe-node sends it on every request; a GET has no body to describe.
  const stripe = client(keyFor(), {base: rec.url});
  await stripe.issuing.cards.list({limit: 1});
  assert.equal(rec.exchanges.at(-1).headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(rec.exchanges.at(-1).status, 200);
});
