import { createHash } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** Headers a browser needs to keep the dashboard from being framed, sniffed or fed foreign scripts. */
export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'",
  );
  next();
}

const BEARER = /^Bearer\s+(\S{1,512})$/i;

export interface RateLimitDeps {
  /** Whether a token hash belongs to a token that authenticated (it gets a window of its own). */
  knownToken: (tokenHash: string) => boolean;
  /** Seconds an address must wait after too many failed sign-ins or unknown tokens; 0 when it may go on. */
  addressRetryAfter: (address: string) => Promise<number>;
}

function tooMany(res: Response, seconds: number, message: string): void {
  res.setHeader('Retry-After', String(seconds));
  res.status(429).json({ errors: [{ message, extensions: { code: 'RATE_LIMITED' } }] });
}

/**
 * Fixed-window rate limit per known token, else per address. Only a token that has authenticated
 * gets its own window: random bearer values all count against the address they come from, and an
 * address that keeps sending unknown tokens is turned away (429) like one that keeps failing to sign in.
 * Keys are hashes, so no token is kept in memory in the clear.
 */
export function rateLimiter(perMinute: number, deps: RateLimitDeps) {
  const windows = new Map<string, { start: number; count: number }>();
  return (req: Request, res: Response, next: NextFunction): void => {
    // Read as the auth guard reads it (any case of "Bearer", any spacing), so spelling the header
    // differently does not open a fresh window.
    const m = BEARER.exec(req.headers.authorization ?? '');
    const tokenHash = m ? createHash('sha256').update(m[1], 'utf8').digest('hex') : null;
    const known = tokenHash !== null && deps.knownToken(tokenHash);
    const now = Date.now();
    const count = (key: string) => {
      let w = windows.get(key);
      if (!w || now - w.start >= 60_000) {
        w = { start: now, count: 0 };
        windows.set(key, w);
        if (windows.size > 10_000) for (const [k, v] of windows) if (now - v.start >= 60_000) windows.delete(k);
      }
      w.count++;
      return w;
    };
    // A token's window also counts its requests from before it was known (its first request is one).
    const tokenWindow = tokenHash !== null ? count(`token:${tokenHash}`) : null;
    const w = known && tokenWindow ? tokenWindow : count(`ip:${req.ip}`);
    if (w.count > perMinute) return tooMany(res, Math.ceil((w.start + 60_000 - now) / 1000), `rate limit of ${perMinute} requests a minute exceeded`);
    if (req.headers.authorization === undefined || known) return next();
    deps
      .addressRetryAfter(req.ip ?? '')
      .then((wait) => (wait > 0 ? tooMany(res, wait, `too many failed sign-ins or unknown tokens from this address; try again in ${wait} s`) : next()), next);
  };
}
