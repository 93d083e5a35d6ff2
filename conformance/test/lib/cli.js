// Runs the official Stripe CLI binary that npm installed from
// @stripe/cli-linux-x64 (an optional dependency: it exists for Linux x64
// only, and npm leaves it out elsewhere).
import {execFile} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {baseURL} from './env.js';

/** cliPath is where npm puts the CLI binary. */
export const cliPath = fileURLToPath(new URL('../../node_modules/@stripe/cli-linux-x64/bin/stripe', import.meta.url));

/**
 * cliMissing says why the CLI cannot run here, or is empty when it can; the
 * CLI tests skip with this message.
 */
export const cliMissing = existsSync(cliPath) ? '' :
  `the Stripe CLI is not installed at ${cliPath}: npm installs @stripe/cli-linux-x64 on Linux x64 only ` +
  `(and not with --omit=optional); this machine is ${process.platform}/${process.arch}`;

// A home of its own, so the CLI neither reads a developer's login nor
// writes its config file into theirs.
const home = mkdtempSync(join(tmpdir(), 'localissuing-cli-'));
process.on('exit', () => rmSync(home, {recursive: true, force: true}));

/** cliEnv is the environment every CLI run gets; the README's snippet runs with it too. */
export function cliEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    // STRIPE_API_KEY and friends would override the flags under test.
    if (!k.startsWith('STRIPE_')) env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    // Without this the CLI sends usage telemetry to Stripe (it resolves
    // Stripe's hosts on every command), which fails or stalls offline.
    STRIPE_CLI_TELEMETRY_OPTOUT: '1',
    // The CLI never updates itself in a test run.
    STRIPE_NO_AUTO_UPDATE: '1',
  };
}

/**
 * stripeCLI runs `stripe ...args --api-base base --api-key key` and
 * returns its exit code, output and the JSON it printed (null if none).
 * A 4xx other than 401 still exits 0 with the error object on stdout, so
 * callers must look at `json`, not just the exit code.
 */
export function stripeCLI(args, {key, base = baseURL} = {}) {
  const argv = [...args, '--api-base', base.origin];
  if (key) argv.push('--api-key', key);
  return new Promise((resolve) => {
    execFile(cliPath, argv, {env: cliEnv(), timeout: 30_000}, (err, stdout, stderr) => {
      let json = null;
      try {
        json = JSON.parse(stdout);
      } catch {
        // Not every run prints JSON (refusals and failures print text).
      }
      resolve({code: err ? (err.code ?? 1) : 0, stdout, stderr, json});
    });
  });
}

/** cli is stripeCLI that fails the test unless the CLI printed JSON with exit code 0. */
export async function cli(args, opts) {
  const r = await stripeCLI(args, opts);
  if (r.code !== 0 || r.json === null) {
    throw new Error(`stripe ${args.join(' ')}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  }
  return r.json;
}
