// Cardholders and cards through the Stripe CLI's generated commands, seen
// through a recorder to check the CLI's own encoding: expand[]= arrays and
// spaces as +. Fixtures that are not under test come from stripe-node,
// since every CLI run costs a third of a second.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {cli, cliMissing} from './lib/cli.js';
import {baseURL, client, keyFor, newCardholder} from './lib/env.js';
import {startRecorder} from './lib/recorder.js';

const skip = cliMissing || false;
const key = keyFor();
let rec;
const stripe = (...args) => cli(args, {key, base: rec.url});

before(async () => {
  rec = await startRecorder(baseURL);
});
after(() => rec.close());

test('cardholders: create, retrieve, update, list', {skip}, async () => {
  // Nested parameters both ways the CLI offers: dotted flags and -d.
  const created = await stripe('issuing', 'cardholders', 'create', '--name', 'Jenny Rosen', '--email', 'jenny@example.com',
    '--billing.address.line1', '1 Main St', '--billing.address.city', 'San Francisco',
    '--billing.address.postal-code', '94111', '-d', 'billing[address][country]=US',
    '--preferred-locales', 'en', '--preferred-locales', 'de', '-d', 'metadata[team]=card ops');
  assert.match(created.id, /^ich_/);
  assert.equal(created.name, 'Jenny Rosen');
  assert.equal(created.billing.address.city, 'San Francisco');
  assert.deepEqual(created.preferred_locales, ['en', 'de']);
  assert.deepEqual(created.metadata, {team: 'card ops'});
  const sent = rec.find('POST', '/v1/issuing/cardholders').at(-1);
  assert.equal(sent.headers['accept-encoding'], 'identity');
  assert.match(sent.body, /name=Jenny\+Rosen/);
  assert.match(sent.body, /preferred_locales\[\]=en&preferred_locales\[\]=de/);

  const got = await stripe('issuing', 'cardholders', 'retrieve', created.id);
  assert.equal(got.email, 'jenny@example.com');

  const updated = await stripe('issuing', 'cardholders', 'update', created.id, '--phone-number', '+18008675309', '--status', 'inactive');
  assert.equal(updated.phone_number, '+18008675309');
  assert.equal(updated.status, 'inactive');

  const other = await newCardholder(client(key), 'Max Mustermann');
  const all = await stripe('issuing', 'cardholders', 'list');
  assert.deepEqual(all.data.map((c) => c.id), [other.id, created.id]);
  const inactive = await stripe('issuing', 'cardholders', 'list', '--status', 'inactive', '--limit', '5');
  assert.deepEqual(inactive.data.map((c) => c.id), [created.id]);
});

test('cards: virtual and physical, retrieve with number and cvc, update, list', {skip}, async () => {
  const holder = await newCardholder(client(key));
  const virtual = await stripe('issuing', 'cards', 'create', '--cardholder', holder.id, '--currency', 'usd',
    '--type', 'virtual', '--status', 'active', '-d', 'spending_controls[blocked_categories][]=bakeries');
  assert.match(virtual.id, /^ic_/);
  assert.equal(virtual.status, 'active');
  assert.deepEqual(virtual.spending_controls.blocked_categories, ['bakeries']);
  const physical = await stripe('issuing', 'cards', 'create', '--cardholder', holder.id, '--currency', 'usd',
    '--type', 'physical', '-d', 'shipping[name]=Jenny Rosen', '-d', 'shipping[address][line1]=1 Main St',
    '-d', 'shipping[address][city]=San Francisco', '-d', 'shipping[address][postal_code]=94111',
    '-d', 'shipping[address][country]=US');
  assert.equal(physical.type, 'physical');
  assert.equal(physical.shipping.status, 'pending');

  const secret = await stripe('issuing', 'cards', 'retrieve', virtual.id, '-e', 'number', '-e', 'cvc');
  assert.match(secret.number, /^\d{16}$/);
  assert.match(secret.cvc, /^\d{3}$/);
  assert.match(rec.find('GET', `/v1/issuing/cards/${virtual.id}`).at(-1).url, /\?expand\[\]=number&expand\[\]=cvc$/);

  const updated = await stripe('issuing', 'cards', 'update', physical.id, '--status', 'active', '-d', 'metadata[order]=6735');
  assert.equal(updated.status, 'active');
  assert.deepEqual(updated.metadata, {order: '6735'});

  const cases = [
    [[], [physical.id, virtual.id]],
    [['--type', 'virtual'], [virtual.id]],
    [['--cardholder', holder.id, '--type', 'physical', '--status', 'active'], [physical.id]],
    [['--limit', '1', '--starting-after', physical.id], [virtual.id]],
  ];
  for (const [flags, want] of cases) {
    const page = await stripe('issuing', 'cards', 'list', ...flags);
    assert.deepEqual(page.data.map((c) => c.id), want, flags.join(' '));
  }
});
