// Events through stripe-node: every change records one.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {client, keyFor, newCard, newToken} from './lib/env.js';

test('list and retrieve the events of a card\'s life', async () => {
  const stripe = client(keyFor());
  const card = await newCard(stripe, {status: 'inactive'});
  await stripe.issuing.cards.update(card.id, {status: 'active'});
  await newToken(stripe, card.id);

  const events = await stripe.events.list().autoPagingToArray({limit: 100});
  assert.deepEqual(events.map((e) => e.type), [
    'issuing_token.created', 'issuing_card.updated', 'issuing_card.created', 'issuing_cardholder.created',
  ]);
  for (const e of events) {
    assert.equal(e.object, 'event');
    assert.match(e.id, /^evt_/);
    assert.equal(e.livemode, false);
  }

  const updates = await stripe.events.list({type: 'issuing_card.updated'});
  assert.equal(updates.data.length, 1);
  const ev = updates.data[0];
  assert.equal(ev.data.object.id, card.id);
  assert.equal(ev.data.object.status, 'active');
  assert.deepEqual(ev.data.previous_attributes, {status: 'inactive'});

  const got = await stripe.events.retrieve(ev.id);
  assert.deepEqual(got.data, ev.data);
  assert.equal(got.type, 'issuing_card.updated');
});
