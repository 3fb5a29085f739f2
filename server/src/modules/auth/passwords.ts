import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { dictionary } from '@zxcvbn-ts/language-common';
import { badInput } from '../../common/errors';

/**
 * Passwords are hashed with node's scrypt (memory-hard; OWASP lists it beside argon2id) and stored
 * self-describing, so the cost can be raised later without breaking older hashes:
 * `scrypt$logN$r$p$salt$hash` (base64url).
 */
const LOG_N = 15;
const R = 8;
const P = 1;
const KEYLEN = 32;

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const opts: ScryptOptions = { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, KEYLEN, opts, (e, key) => (e ? reject(e) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, LOG_N, R, P);
  return ['scrypt', LOG_N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** A stored hash this module did not write never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number);
  if (![logN, r, p].every(Number.isInteger) || logN < 10 || logN > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const expected = Buffer.from(parts[5], 'base64url');
  const key = await derive(password, Buffer.from(parts[4], 'base64url'), logN, r, p);
  return expected.length === key.length && timingSafeEqual(expected, key);
}

/** A hash to verify against when the account does not exist, so a wrong e-mail takes as long as a wrong password. */
export const DUMMY_HASH = 'scrypt$15$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

// zxcvbn-ts's list of the ~50,000 most common passwords (from leaked password sets).
const COMMON: ReadonlySet<string> = new Set(dictionary['passwords-common'] as string[]);

/** Minimum length, and not a common password (compared case-insensitively, also without trailing digits or symbols). */
export function checkPasswordPolicy(password: string, arg = 'password'): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw badInput(arg, `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw badInput(arg, `must be at most ${MAX_PASSWORD_LENGTH} characters`);
  const lower = password.toLowerCase();
  const stem = lower.replace(/[\d\W_]+$/u, '');
  if (COMMON.has(lower) || (stem.length >= 4 && COMMON.has(stem)) || /^(.)\1+$/u.test(password)) {
    throw badInput(arg, 'is too common (it is on a list of passwords attackers try first); choose another');
  }
}
