// The Stripe CLI's errors, keys and idempotency keys. A 4xx other than a
// 401 exits 0 and prints Stripe's error object, so the body is what tells.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {cli, cliMissing, stripeCLI} from './lib/cli.js';
import {baseURL, client, keyFor} from './lib/env.js';
import {startRecorder} from './lib/recorder.js';

const skip = cliMissing || false;
const key = keyFor();
const billing = ['-d', 'billing[address][line1]=1 Main St', '-d', 'billing[address][city]=San Francisco',
  '-d', 'billing[address][postal_code]=94111', '-d', 'billing[address][country]=US'];

let rec;
before(async () => {
  rec = await startRecorder(baseURL);
});
after(() => rec.close());

const errorCases = [
  {name: 'unknown parameter', args: ['issuing', 'cardholders', 'create', '--name', 'Jenny Rosen', ...billing, '-d', 'nickname=JR'],
    want: {type: 'invalid_request_error', code: 'parameter_unknown', param: 'nickname'}},
  {name: 'missing parameter', args: ['post', '/v1/issuing/cards', '-d', 'currency=usd'],
    want: {type: 'invalid_request_error', code: 'parameter_missing', param: 'type'}},
  {name: 'no such card', args: ['issuing', 'cards', 'retrieve', 'ic_doesnotexist'],
    want: {type: 'invalid_request_error', code: 'resource_missing', param: 'id'}},
  {name: 'no such route', args: ['get', '/v1/issuing/nothing'],
    want: {type: 'invalid_request_error'}},
];

for (const {name, args, want} of errorCases) {
  test(`error: ${name}`, {skip}, async () => {
    const r = await stripeCLI(args, {key});
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.json?.error, r.stdout);
    for (const [k, v] of Object.entries(want)) assert.equal(r.json.error[k], v, `${k}: ${r.json.error.message}`);
  });
}

test('error: a bad key exits 1 and shows the 401', {skip}, async () => {
  const r = await stripeCLI(['issuing', 'cards', 'list'], {key: 'sk_test_not-a-valid-key'});
  assert.equal(r.code, 1);
  assert.match(r.stderr, /status=401/);
  const body = JSON.parse(r.stderr.slice(r.stderr.indexOf('{')));
  assert.equal(body.error.type, 'invalid_request_error');
  assert.match(body.error.message, /Invalid API Key/);
});

test('a restricted key works like a secret key', {skip}, async () => {
  const restricted = keyFor('rk_test_');
  const holder = await cli(['issuing', 'cardholders', 'create', '--name', 'Jenny Rosen', ...billing], {key: restricted});
  const seen = await client(restricted).issuing.cardholders.list();
  assert.deepEqual(seen.data.map((c) => c.id), [holder.id]);
});

test('an idempotency key replays the first result', {skip}, async () => {
  const own = keyFor();
  const args = ['issuing', 'cardholders', 'create', '--name', 'Jenny Rosen', ...billing, '-i', 'cli-create-jenny'];
  const first = await cli(args, {key: own, base: rec.url});
  const second = await cli(args, {key: own, base: rec.url});
  assert.deepEqual(second, first);
  const [a, b] = rec.find('POST', '/v1/issuing/cardholders').slice(-2);
  assert.equal(a.headers['idempotency-key'], 'cli-create-jenny');
  assert.equal(b.responseHeaders['idempotent-replayed'], 'true');
  assert.equal((await client(own).issuing.cardholders.list()).data.length, 1);
});
