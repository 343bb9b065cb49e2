import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Account tokens: `gs_<key id>_<secret>`. The key id (12 hex digits) is public and
 * says which account the token claims; the secret (24 random bytes) is kept only
 * as a salted scrypt hash. A wrong key id is refused without hashing anything, so
 * guessing costs the service nothing; a right key id costs one scrypt.
 */

export interface TokenHash {
  readonly keyId: string;
  /** base64 */
  readonly salt: string;
  /** base64 scrypt(secret, salt) */
  readonly hash: string;
  readonly scrypt: { readonly N: number; readonly r: number; readonly p: number };
}

const TOKEN = /^gs_([0-9a-f]{12})_([A-Za-z0-9_-]{32})$/;
const KEY_LENGTH = 32;
/** scrypt's recommended interactive cost: about 50 ms and 16 MiB per check; the service caches a token once checked. */
const COST = { N: 16_384, r: 8, p: 1 } as const;

function derive(secret: string, salt: Buffer, cost: TokenHash['scrypt']): Promise<Buffer> {
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 128 * cost.N * cost.r * 2 };
  return new Promise((resolve, reject) => scrypt(secret, salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** A new random token, and what may be stored of it. */
export async function newToken(): Promise<{ token: string; stored: TokenHash }> {
  const keyId = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  const salt = randomBytes(16);
  const hash = await derive(secret, salt, COST);
  return { token: `gs_${keyId}_${secret}`, stored: { keyId, salt: salt.toString('base64'), hash: hash.toString('base64'), scrypt: { ...COST } } };
}

/** The key id a token claims, or null when it is not shaped like an account token. */
export function keyIdOf(token: string): string | null {
  return TOKEN.exec(token)?.[1] ?? null;
}

/** Whether `token` is the one `stored` was made from; compared in constant time. */
export async function tokenMatches(token: string, stored: TokenHash): Promise<boolean> {
  const match = TOKEN.exec(token);
  if (!match || match[1] !== stored.keyId) return false;
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await derive(match[2] as string, Buffer.from(stored.salt, 'base64'), stored.scrypt);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
