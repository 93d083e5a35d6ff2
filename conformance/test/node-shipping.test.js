// Every card shipping test helper through stripe-node's testHelpers. Each
// is a POST with an empty body.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {client, keyFor, newCard, shipping} from './lib/env.js';

const stripe = client(keyFor());
const helpers = stripe.testHelpers.issuing.cards;
const physical = () => newCard(stripe, {type: 'physical', status: 'inactive', shipping});

test('submit, ship, deliver, return', async () => {
  const card = await physical();
  const steps = [
    ['submitCard', 'submitted'],
    ['shipCard', 'shipped'],
    ['deliverCard', 'delivered'],
    ['returnCard', 'returned'],
  ];
  for (const [helper, want] of steps) {
    const got = await helpers[helper](card.id);
    assert.equal(got.id, card.id);
    assert.equal(got.shipping.status, want, helper);
    if (helper === 'shipCard') {
      assert.ok(got.shipping.tracking_number, 'shipping a card gives it a tracking number');
      assert.ok(got.shipping.eta > card.created);
    }
  }
  const stored = await stripe.issuing.cards.retrieve(card.id);
  assert.equal(stored.shipping.status, 'returned');
});

test('fail', async () => {
  const card = await physical();
  const got = await helpers.failCard(card.id);
  assert.equal(got.shipping.status, 'failure');
});

test('a step out of order is a 400 naming the card', async () => {
  const card = await physical();
  await assert.rejects(helpers.deliverCard(card.id), (err) => {
    assert.equal(err.type, 'StripeInvalidRequestError');
    assert.equal(err.statusCode, 400);
    assert.equal(err.param, 'card');
    return true;
  });
  const virtual = await newCard(stripe);
  await assert.rejects(helpers.shipCard(virtual.id), {statusCode: 400});
});
