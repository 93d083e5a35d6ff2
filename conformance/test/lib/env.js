// The server under test and how to reach it. conformance_test.go starts
// localissuing and passes its address and a fresh key; running `node --test`
// by hand against `go run ./cmd/localissuing` works the same way.
import {randomBytes} from 'node:crypto';
import Stripe from 'stripe';

const url = process.env.LOCALISSUING_URL;
if (!url) {
  throw new Error('LOCALISSUING_URL is not set: run these tests through `go test ./conformance/`, ' +
    'or start a server and set LOCALISSUING_URL=http://127.0.0.1:12111');
}

/** The server's base URL, e.g. http://127.0.0.1:41234. */
export const baseURL = new URL(url);

/** The key the suite was given; keyFor derives per-file accounts from it. */
export const suiteKey = process.env.LOCALISSUING_KEY || 'sk_test_conformance';

/**
 * keyFor returns a fresh key, and so a fresh, empty account, with the given
 * prefix. Test files run in parallel, so each uses its own account to make
 * list counts exact.
 */
export function keyFor(prefix = 'sk_test_') {
  const rest = suiteKey.replace(/^[a-z]{2}_(test|live)_/, '');
  return `${prefix}${rest}_${randomBytes(6).toString('hex')}`;
}

/**
 * client returns a stripe-node client for key pointed at base (the server
 * or a recorder in front of it). Retries are off unless a test turns them
 * on, so that a failure shows up as itself.
 */
export function client(key, {base = baseURL, ...config} = {}) {
  return new Stripe(key, {
    host: base.hostname,
    port: Number(base.port),
    protocol: base.protocol.replace(':', ''),
    maxNetworkRetries: 0,
    ...config,
  });
}

/** A valid billing address, with spaces that each client encodes its way. */
export const billing = {
  address: {line1: '1 Main St', city: 'San Francisco', postal_code: '94111', country: 'US'},
};

/** A shipping address for physical cards. */
export const shipping = {
  name: 'Jenny Rosen',
  address: {line1: '1 Main St', city: 'San Francisco', state: 'CA', postal_code: '94111', country: 'US'},
};

/** newCardholder creates an individual cardholder named name. */
export function newCardholder(stripe, name = 'Jenny Rosen', extra = {}) {
  return stripe.issuing.cardholders.create({name, billing, ...extra});
}

/** newCard creates a card for a new cardholder: active and virtual unless params say otherwise. */
export async function newCard(stripe, params = {}) {
  const holder = params.cardholder ?? (await newCardholder(stripe)).id;
  return stripe.issuing.cards.create({currency: 'usd', type: 'virtual', status: 'active', ...params, cardholder: holder});
}

/**
 * newToken provisions a wallet token through localissuing's own test
 * helper, which no SDK knows: stripe-node reaches it with rawRequest.
 */
export function newToken(stripe, card, params = {}) {
  return stripe.rawRequest('POST', '/v1/test_helpers/issuing/tokens', {card, ...params});
}
