// Errors as stripe-node surfaces them: the right error class, status, code
// and param, from Stripe's error object.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {billing, client, keyFor} from './lib/env.js';

const stripe = client(keyFor());

const cases = [
  {
    name: 'unknown parameter',
    call: () => stripe.issuing.cardholders.create({name: 'Jenny Rosen', billing, nickname: 'JR'}),
    want: {type: 'StripeInvalidRequestError', statusCode: 400, code: 'parameter_unknown', param: 'nickname'},
  },
  {
    name: 'unknown nested parameter',
    call: () => stripe.issuing.cardholders.create({name: 'Jenny Rosen', billing: {address: {...billing.address, planet: 'Mars'}}}),
    want: {type: 'StripeInvalidRequestError', statusCode: 400, code: 'parameter_unknown', param: 'billing[address][planet]'},
  },
  {
    name: 'missing parameter',
    call: () => stripe.issuing.cardholders.create({name: 'Jenny Rosen'}),
    want: {type: 'StripeInvalidRequestError', statusCode: 400, code: 'parameter_missing', param: 'billing'},
  },
  {
    name: 'bad enum',
    call: () => stripe.issuing.cards.create({currency: 'usd', type: 'plastic'}),
    want: {type: 'StripeInvalidRequestError', statusCode: 400, param: 'type'},
  },
  {
    name: 'no such card',
    call: () => stripe.issuing.cards.retrieve('ic_doesnotexist'),
    want: {type: 'StripeInvalidRequestError', statusCode: 404, code: 'resource_missing', param: 'id'},
  },
  {
    name: 'no such cardholder for a new card',
    call: () => stripe.issuing.cards.create({cardholder: 'ich_doesnotexist', currency: 'usd', type: 'virtual'}),
    want: {type: 'StripeInvalidRequestError', statusCode: 404, code: 'resource_missing', param: 'cardholder'},
  },
  {
    name: 'no such route',
    call: () => stripe.rawRequest('GET', '/v1/issuing/nothing'),
    want: {type: 'StripeInvalidRequestError', statusCode: 404},
  },
  {
    name: 'bad key',
    call: () => client('sk_test_not-a-valid-key!').issuing.cards.list(),
    want: {type: 'StripeAuthenticationError', statusCode: 401},
  },
  {
    name: 'publishable key',
    call: () => client('pk_test_localissuing000').issuing.cards.list(),
    want: {type: 'StripeAuthenticationError', statusCode: 401},
  },
];

for (const {name, call, want} of cases) {
  test(name, async () => {
    await assert.rejects(call(), (err) => {
      for (const [k, v] of Object.entries(want)) assert.equal(err[k], v, `${k}: ${err.message}`);
      assert.ok(err.message, 'a message');
      assert.match(err.requestId, /^req_/);
      return true;
    });
  });
}

test('a live key is refused by the test helpers', async () => {
  const live = client(keyFor('sk_live_'));
  await assert.rejects(live.rawRequest('POST', '/v1/test_helpers/issuing/tokens', {card: 'ic_x'}), {statusCode: 400});
});
