import { createHash } from 'node:crypto';

/**
 * Order key (reconciliation.md): the order number as a system writes it, trimmed, one leading
 * `#` removed, lower-cased. "#1002", "1002" and " #1002 " are one order. null for a blank number.
 */
export function orderKey(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const key = raw.trim().replace(/^#/, '').trim().toLowerCase();
  return key === '' ? null : key;
}

/**
 * Customer id of an e-mail address, the same whichever system wrote it: "email:" + the first 16
 * hex digits of sha256(trimmed, lower-cased address). The address itself is never stored.
 */
export function emailCustomerId(email: string): string {
  return 'email:' + createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 16);
}
