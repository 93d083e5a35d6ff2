// The README's Node and CLI snippets, run as written against the server
// under test: only the port, the key and the ich_…/ic_… placeholders change.
import assert from 'node:assert/strict';
import {execFile} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {dirname} from 'node:path';
import {test} from 'node:test';
import {fileURLToPath} from 'node:url';
import {cliEnv, cliMissing, cliPath} from './lib/cli.js';
import {baseURL, keyFor} from './lib/env.js';

const conformanceDir = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.split(/^## /m).find((s) => s.startsWith('Use it from Node and the CLI'));
const blocks = (lang) => [...(section ?? '').matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);

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
