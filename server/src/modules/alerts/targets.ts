import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { badInput } from '../../common/errors';
import { AlertFormat } from './alert-kinds';

/** Loopback, private, link-local, carrier-grade NAT and unspecified ranges: rules must not probe the internal network. */
const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, bits, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return PRIVATE.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return PRIVATE.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

export type ParsedTarget = { kind: 'http'; url: URL } | { kind: 'mailto'; address: string };

const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Parses a target: an http(s) URL for webhooks, or mailto:one@address for EMAIL. */
export function parseTarget(target: string, format: AlertFormat, arg = 'target'): ParsedTarget {
  if (target.length > 2000) throw badInput(arg, 'at most 2000 characters');
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw badInput(arg, 'must be an http(s):// URL or mailto:');
  }
  if (url.protocol === 'mailto:') {
    if (format !== AlertFormat.EMAIL) throw badInput(arg, 'a mailto: target needs format EMAIL');
    const address = decodeURIComponent(url.pathname);
    if (url.search || !EMAIL.test(address)) throw badInput(arg, 'mailto: takes one e-mail address');
    return { kind: 'mailto', address };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badInput(arg, 'must be an http(s):// URL or mailto:');
  if (format === AlertFormat.EMAIL) throw badInput(arg, 'format EMAIL needs a mailto: target');
  if (url.username || url.password) throw badInput(arg, 'must not carry a user name or password');
  return { kind: 'http', url };
}

/**
 * Refuses a host on a loopback or private address (a literal, or any address its name resolves
 * to). Checked when a rule is saved and again before every attempt, so a name re-pointed later
 * is caught too.
 */
export async function assertPublicHost(url: URL, allowPrivate: boolean, arg = 'target'): Promise<void> {
  if (allowPrivate) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw badInput(arg, `host ${host.slice(0, 100)} does not resolve`);
    }
  }
  if (addresses.length === 0 || addresses.some(isPrivateAddress))
    throw badInput(arg, 'is on a loopback or private address (allowed only with REFUNDS_ALERT_ALLOW_PRIVATE=1)');
}
