// The README's Node and CLI snippets, run as written against the server
// under test: only the port, the key and the ich_…/ic_… placeholders change.
import assert from 'node:assert/strict';
import {execFile, spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import http from 'node:http';
import {dirname} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import Stripe from 'stripe';
import {cliEnv, cliMissing, cliPath} from './lib/cli.js';
import {baseURL, keyFor} from './lib/env.js';

const conformanceDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const sectionNamed = (title) => readme.split(/^## /m).find((s) => s.startsWith(title));
const section = sectionNamed('Use it from Node and the CLI');
const codeBlocks = (text, lang) => [...(text ?? '').matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
const blocks = (lang) => codeBlocks(section, lang);
const listenSection = sectionNamed('Forward events with stripe listen');

/** localize points a snippet at the server under test, with an account of its own. */
function localize(snippet, key) {
  return snippet.replaceAll('12111', baseURL.port).replaceAll('sk_test_localissuing', key);
}

function run(file, args, env) {
  return new Promise((resolve, reject) => {
    execFile(file, args, {cwd: conformanceDir, env, timeout: 30_000}, (err, stdout, stderr) => {
      if (err) reject(new Error(`${args.join(' ')}: ${err.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

test('the README has one Node and one CLI snippet', () => {
  assert.ok(section, 'README.md has no "Use it from Node and the CLI" section');
  assert.equal(blocks('js').length, 1);
  assert.equal(blocks('sh').length, 1);
});

test('the Node snippet', async () => {
  // --eval resolves `import 'stripe'` from the working directory, where
  // npm installed it.
  const out = await run(process.execPath, ['--input-type=module', '--eval', localize(blocks('js')[0], keyFor())], process.env);
  assert.match(out, /^\d{16} \d{3}$/m);
  assert.match(out, /^intok_\w+ google_pay active$/m);
});

test('the CLI snippet', {skip: cliMissing || false}, async () => {
  const [exportLine, ...rest] = blocks('sh')[0].replaceAll('\\\n', ' ').split('\n').filter(Boolean);
  assert.match(exportLine, /^export /);
  const env = {...cliEnv(), PATH: `${dirname(cliPath)}:${process.env.PATH}`};
  const key = keyFor();
  const ids = {};
  let last;
  for (const line of rest) {
    // Each command runs in a shell as a reader would type it, after the
    // snippet's export line.
    const command = localize(line, key).replaceAll('ich_…', ids.ich).replaceAll('ic_…', ids.ic);
    last = JSON.parse(await run('/bin/sh', ['-c', `${localize(exportLine, key)}\n${command}`], env));
    assert.equal(last.error, undefined, `${command}: ${JSON.stringify(last.error)}`);
    if (last.id) ids[last.id.split('_')[0]] ??= last.id;
  }
  assert.ok(ids.intok, 'the snippet provisions a token');
  assert.deepEqual(last.data.map((t) => t.id), [ids.intok]);
});

/** lines splits a shell snippet into its commands, continuation lines joined. */
const lines = (snippet) => snippet.replaceAll('\\\n', ' ').split('\n').filter(Boolean);

test('the stripe listen snippets', {skip: cliMissing || false}, async (t) => {
  assert.ok(listenSection, 'README.md has no "Forward events with stripe listen" section');
  const [listenBlock, triggerBlock, ...more] = codeBlocks(listenSection, 'sh');
  assert.equal(more.length, 0);
  const [exportLine, printSecret, listen, ...rest] = lines(listenBlock);
  assert.match(exportLine, /^export /);
  assert.match(printSecret, /--print-secret/);
  assert.equal(rest.length, 0);
  const [trigger] = lines(triggerBlock);

  // The application's endpoint: where the snippet's 4242 points.
  const received = [];
  let arrived = () => {};
  const receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({path: req.url, body: Buffer.concat(chunks).toString(), signature: req.headers['stripe-signature']});
      res.end('ok');
      arrived();
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t.after(() => receiver.close());

  const key = keyFor();
  const env = {...cliEnv(), PATH: `${dirname(cliPath)}:${process.env.PATH}`};
  const local = (line) => localize(line, key).replaceAll('4242', String(receiver.address().port));
  const shell = (line) => `${local(exportLine)}\n${local(line)}`;

  const secret = (await run('/bin/sh', ['-c', shell(printSecret)], env)).trim();
  assert.match(secret, /^whsec_/);

  // stripe listen runs until interrupted; it is its own process group so
  // that the interrupt reaches it through the shell.
  const listener = spawn('/bin/sh', ['-c', shell(listen)], {env, detached: true});
  let output = '';
  const ready = new Promise((resolve, reject) => {
    const onData = (d) => {
      output += d;
      if (output.includes('Ready!')) resolve();
    };
    listener.stdout.on('data', onData);
    listener.stderr.on('data', onData);
    listener.on('exit', (code) => reject(new Error(`stripe listen exited (${code}) before it was ready:\n${output}`)));
  });
  t.after(() => {
    try {
      process.kill(-listener.pid, 'SIGINT');
    } catch {
      // It has exited already.
    }
  });
  await ready;
  assert.ok(output.includes(secret), `stripe listen does not show the secret --print-secret printed:\n${output}`);

  const out = await run('/bin/sh', ['-c', shell(trigger)], env);
  assert.match(out, /Trigger succeeded/);

  const want = ['issuing_cardholder.created', 'issuing_card.created'];
  const deadline = Date.now() + 30_000;
  while (received.length < want.length) {
    assert.ok(Date.now() < deadline, `received ${received.length} events, want ${want.length}:\n${output}`);
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, deadline - Date.now());
      arrived = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  const stripe = new Stripe(key);
  const types = received.map(({path, body, signature}) => {
    assert.equal(path, '/webhook');
    return stripe.webhooks.constructEvent(body, signature, secret).type;
  });
  assert.deepEqual(types.sort(), [...want].sort());
});
