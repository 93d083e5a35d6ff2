// Cards through stripe-node: virtual and physical cards, the number and CVC
// on expanded retrieve, update, and list with Stripe's filters.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {client, keyFor, newCard, newCardholder, shipping} from './lib/env.js';

test('a virtual card shows its number and CVC only when expanded', async () => {
  const stripe = client(keyFor());
  const card = await newCard(stripe);
  assert.match(card.id, /^ic_/);
  assert.equal(card.object, 'issuing.card');
  assert.equal(card.type, 'virtual');
  assert.equal(card.status, 'active');
  assert.equal(card.currency, 'usd');
  assert.equal(card.cardholder.object, 'issuing.cardholder');
  assert.match(card.last4, /^\d{4}$/);
  assert.equal(card.number, undefined);
  assert.equal(card.cvc, undefined);

  const plain = await stripe.issuing.cards.retrieve(card.id);
  assert.equal(plain.number, undefined);

  const secret = await stripe.issuing.cards.retrieve(card.id, {expand: ['number', 'cvc']});
  assert.match(secret.number, /^\d{16}$/);
  assert.ok(secret.number.endsWith(card.last4));
  assert.match(secret.cvc, /^\d{3}$/);
});

test('a physical card carries its shipping', async () => {
  const stripe = client(keyFor());
  const card = await newCard(stripe, {type: 'physical', status: 'inactive', shipping: {...shipping, service: 'express'}});
  assert.equal(card.type, 'physical');
  assert.equal(card.status, 'inactive');
  assert.equal(card.shipping.name, 'Jenny Rosen');
  assert.equal(card.shipping.service, 'express');
  assert.equal(card.shipping.status, 'pending');
  assert.equal(card.shipping.address.city, 'San Francisco');
});

test('update a card: status, metadata, spending controls', async () => {
  const stripe = client(keyFor());
  const card = await newCard(stripe, {status: 'inactive'});
  const updated = await stripe.issuing.cards.update(card.id, {
    status: 'active',
    metadata: {order: '6735'},
    // Arrays of scalars and of objects, in stripe-node's indexed encoding.
    spending_controls: {
      blocked_categories: ['bakeries', 'drinking_places'],
      spending_limits: [{amount: 5000, interval: 'daily'}, {amount: 20000, interval: 'monthly', categories: ['taxicabs_limousines']}],
    },
  });
  assert.equal(updated.status, 'active');
  assert.deepEqual(updated.metadata, {order: '6735'});
  assert.deepEqual(updated.spending_controls.blocked_categories, ['bakeries', 'drinking_places']);
  assert.deepEqual(updated.spending_controls.spending_limits.map((l) => [l.amount, l.interval, l.categories]),
    [[5000, 'daily', null], [20000, 'monthly', ['taxicabs_limousines']]]);

  const canceled = await stripe.issuing.cards.update(card.id, {status: 'canceled', cancellation_reason: 'lost'});
  assert.equal(canceled.status, 'canceled');
  assert.equal(canceled.cancellation_reason, 'lost');
});

test('list cards with filters', async () => {
  const stripe = client(keyFor());
  const jenny = await newCardholder(stripe, 'Jenny Rosen');
  const max = await newCardholder(stripe, 'Max Mustermann');
  const virtual = await newCard(stripe, {cardholder: jenny.id});
  const physical = await newCard(stripe, {cardholder: jenny.id, type: 'physical', status: 'inactive', shipping});
  const maxCard = await newCard(stripe, {cardholder: max.id, exp_month: 7, exp_year: 2031});

  const ids = async (params) => (await stripe.issuing.cards.list(params)).data.map((c) => c.id);
  const cases = [
    [{}, [maxCard.id, physical.id, virtual.id]],
    [{cardholder: jenny.id}, [physical.id, virtual.id]],
    [{type: 'physical'}, [physical.id]],
    [{status: 'active', type: 'virtual'}, [maxCard.id, virtual.id]],
    [{status: 'canceled'}, []],
    [{last4: virtual.last4, cardholder: jenny.id}, [virtual.id]],
    [{exp_month: 7, exp_year: 2031}, [maxCard.id]],
    [{limit: 1}, [maxCard.id]],
  ];
  for (const [params, want] of cases) {
    assert.deepEqual(await ids(params), want, JSON.stringify(params));
  }
  const all = [];
  for await (const c of stripe.issuing.cards.list({limit: 2})) all.push(c.id);
  assert.deepEqual(all, [maxCard.id, physical.id, virtual.id]);
});
