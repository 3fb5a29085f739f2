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

/**
 * Fixed-window rate limit per token (per address without one). The key is a hash, so no
 * token is kept in memory in the clear or ever logged.
 */
export function rateLimiter(perMinute: number) {
  const windows = new Map<string, { start: number; count: number }>();
  return (req: Request, res: Response, next: NextFunction): void => {
    // Keyed by the token as the auth guard reads it (any case of "Bearer", any spacing), so spelling
    // the header differently does not open a fresh window; anything else counts against the address.
    const m = BEARER.exec(req.headers.authorization ?? '');
    const key = createHash('sha256')
      .update(m ? `token:${m[1]}` : `ip:${req.ip}`)
      .digest('hex')
      .slice(0, 32);
    const now = Date.now();
    let w = windows.get(key);
    if (!w || now - w.start >= 60_000) {
      w = { start: now, count: 0 };
      windows.set(key, w);
      if (windows.size > 10_000) for (const [k, v] of windows) if (now - v.start >= 60_000) windows.delete(k);
    }
    w.count++;
    if (w.count > perMinute) {
      res.setHeader('Retry-After', String(Math.ceil((w.start + 60_000 - now) / 1000)));
      res.status(429).json({ errors: [{ message: `rate limit of ${perMinute} requests a minute exceeded`, extensions: { code: 'RATE_LIMITED' } }] });
      return;
    }
    next();
  };
}
