// Tokens, the shipping test helpers and events through the Stripe CLI. Our
// token helper is not among the CLI's generated commands; `stripe post`
// reaches it. Fixtures that are not under test come from stripe-node.
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {cli, cliMissing} from './lib/cli.js';
import {client, keyFor, newCard, newCardholder, newToken, shipping} from './lib/env.js';

const skip = cliMissing || false;
const key = keyFor();
const sdk = client(key);
const stripe = (...args) => cli(args, {key});

test('tokens: provision, retrieve, list with paging, update', {skip}, async () => {
  const card = await newCard(sdk);
  const made = [await stripe('post', '/v1/test_helpers/issuing/tokens', '-d', `card=${card.id}`, '-d', 'wallet_provider=google_pay')];
  assert.match(made[0].id, /^intok_/);
  assert.equal(made[0].wallet_provider, 'google_pay');
  assert.equal(made[0].status, 'active');
  made.push(await newToken(sdk, card.id), await newToken(sdk, card.id));

  const got = await stripe('issuing', 'tokens', 'retrieve', made[0].id, '-e', 'network_data');
  assert.equal(got.card, card.id);
  assert.equal(got.network_data.type, 'visa');

  const first = await stripe('issuing', 'tokens', 'list', '--card', card.id, '--limit', '2');
  assert.deepEqual(first.data.map((t) => t.id), [made[2].id, made[1].id]);
  assert.equal(first.has_more, true);
  const rest = await stripe('issuing', 'tokens', 'list', '--card', card.id, '--limit', '2', '--starting-after', made[1].id);
  assert.deepEqual(rest.data.map((t) => t.id), [made[0].id]);
  assert.equal(rest.has_more, false);

  const suspended = await stripe('issuing', 'tokens', 'update', made[0].id, '--status', 'suspended');
  assert.equal(suspended.status, 'suspended');
  const filtered = await stripe('get', '/v1/issuing/tokens', '-d', `card=${card.id}`, '-d', 'status=suspended');
  assert.deepEqual(filtered.data.map((t) => t.id), [made[0].id]);
});

test('every shipping helper', {skip}, async () => {
  const holder = await newCardholder(sdk);
  const physical = () => newCard(sdk, {cardholder: holder.id, type: 'physical', status: 'inactive', shipping});
  const card = await physical();
  for (const [op, want] of [['submit_card', 'submitted'], ['ship_card', 'shipped'], ['deliver_card', 'delivered'], ['return_card', 'returned']]) {
    const got = await stripe('test_helpers', 'issuing', 'cards', op, card.id);
    assert.equal(got.shipping.status, want, op);
  }
  const failed = await stripe('test_helpers', 'issuing', 'cards', 'fail_card', (await physical()).id);
  assert.equal(failed.shipping.status, 'failure');
});

test('events', {skip}, async () => {
  const own = keyFor();
  const holder = await newCardholder(client(own));
  const events = await cli(['events', 'list'], {key: own});
  assert.deepEqual(events.data.map((e) => [e.type, e.data.object.id]), [['issuing_cardholder.created', holder.id]]);
  const one = await cli(['events', 'retrieve', events.data[0].id], {key: own});
  assert.equal(one.id, events.data[0].id);
  const byType = await cli(['get', '/v1/events', '-d', 'type=issuing_card.created'], {key: own});
  assert.deepEqual(byType.data, []);
});
