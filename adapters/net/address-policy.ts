/**
 * Is an IP address on the public internet? Pure and synchronous; safe-fetch asks it for every
 * address a hostname resolves to and for IP-literal hosts, so nothing fetched on a user's behalf
 * reaches loopback, the private network or a cloud metadata service.
 *
 * Our own parser (not node:net's BlockList) so IPv6 forms that embed an IPv4 address (mapped,
 * compatible, NAT64, 6to4) are decoded the same way whatever their spelling: `::ffff:127.0.0.1`
 * and `::ffff:7f00:1` are the same 16 bytes here.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** Why an address is not public; for logs only. */
export type BlockedRange =
  | 'invalid'
  | 'scoped'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link_local'
  | 'metadata'
  | 'cgnat'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'benchmarking'
  | 'documentation'
  | 'ietf_protocol'
  | 'ipv4_mapped'
  | 'ipv4_compatible'
  | 'nat64_local'
  | 'site_local';

interface Cidr {
  bytes: number[];
  bits: number;
  range: BlockedRange;
}

function parseV4(text: string): number[] | undefined {
  if (!isIPv4(text)) return undefined;
  return text.split('.').map(Number);
}

function parseV6(text: string): number[] | undefined {
  if (!isIPv6(text)) return undefined;
  let body = text;
  const tail: number[] = [];
  // A dotted IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
  const lastColon = body.lastIndexOf(':');
  const v4 = parseV4(body.slice(lastColon + 1));
  if (v4) {
    body = body.slice(0, lastColon + 1) + '0:0';
    tail.push(...v4);
  }
  const [head = '', rest] = body.split('::');
  const groupsOf = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const front = groupsOf(head);
  const back = rest === undefined ? [] : groupsOf(rest);
  const groups = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  const bytes = groups.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes.length === 16 ? bytes : undefined;
}

function cidr(text: string, range: BlockedRange): Cidr {
  const [ip = '', bits = ''] = text.split('/');
  const bytes = parseV4(ip) ?? parseV6(ip);
  if (!bytes) throw new Error(`bad CIDR ${text}`);
  return { bytes, bits: Number(bits), range };
}

function inCidr(bytes: number[], c: Cidr): boolean {
  if (bytes.length !== c.bytes.length) return false;
  for (let bit = 0; bit < c.bits; bit += 8) {
    const take = Math.min(8, c.bits - bit);
    const mask = (0xff << (8 - take)) & 0xff;
    const i = bit / 8;
    if (((bytes[i] ?? 0) & mask) !== ((c.bytes[i] ?? 0) & mask)) return false;
  }
  return true;
}

// First match wins, so the narrower ranges come first (metadata before link-local).
const V4_BLOCKED: Cidr[] = [
  cidr('169.254.169.254/32', 'metadata'),
  cidr('255.255.255.255/32', 'broadcast'),
  cidr('0.0.0.0/8', 'unspecified'),
  cidr('10.0.0.0/8', 'private'),
  cidr('100.64.0.0/10', 'cgnat'),
  cidr('127.0.0.0/8', 'loopback'),
  cidr('169.254.0.0/16', 'link_local'),
  cidr('172.16.0.0/12', 'private'),
  cidr('192.0.0.0/24', 'ietf_protocol'),
  cidr('192.0.2.0/24', 'documentation'),
  cidr('192.88.99.0/24', 'reserved'), // retired 6to4 relay anycast
  cidr('192.168.0.0/16', 'private'),
  cidr('198.18.0.0/15', 'benchmarking'),
  cidr('198.51.100.0/24', 'documentation'),
  cidr('203.0.113.0/24', 'documentation'),
  cidr('224.0.0.0/4', 'multicast'),
  cidr('240.0.0.0/4', 'reserved'),
];

const V6_BLOCKED: Cidr[] = [
  cidr('::/128', 'unspecified'),
  cidr('::1/128', 'loopback'),
  cidr('::ffff:0:0/96', 'ipv4_mapped'),
  cidr('::ffff:0:0:0/96', 'ipv4_mapped'), // "IPv4-translated" (RFC 2765)
  cidr('::/96', 'ipv4_compatible'),
  cidr('64:ff9b:1::/48', 'nat64_local'),
  cidr('fd00:ec2::254/128', 'metadata'),
  cidr('fc00::/7', 'private'),
  cidr('fe80::/10', 'link_local'),
  cidr('fec0::/10', 'site_local'),
  cidr('ff00::/8', 'multicast'),
  cidr('2001:db8::/32', 'documentation'),
  cidr('3fff::/20', 'documentation'),
  cidr('2001:2::/48', 'benchmarking'),
  cidr('2001::/23', 'ietf_protocol'), // Teredo, ORCHID, AMT…: nothing we should fetch from
];

const NAT64 = cidr('64:ff9b::/96', 'reserved');
const SIX_TO_FOUR = cidr('2002::/16', 'reserved');
const GLOBAL_UNICAST = cidr('2000::/3', 'reserved');

function v4Range(bytes: number[]): BlockedRange | undefined {
  return V4_BLOCKED.find((c) => inCidr(bytes, c))?.range;
}

function v6Range(bytes: number[]): BlockedRange | undefined {
  const listed = V6_BLOCKED.find((c) => inCidr(bytes, c))?.range;
  if (listed) return listed;
  // These two carry an IPv4 address that the network will end up talking to.
  if (inCidr(bytes, NAT64)) return v4Range(bytes.slice(12, 16));
  if (inCidr(bytes, SIX_TO_FOUR)) return v4Range(bytes.slice(2, 6));
  // Everything outside 2000::/3 is unallocated or special-purpose.
  return inCidr(bytes, GLOBAL_UNICAST) ? undefined : 'reserved';
}

/** Why `address` is not public, or undefined when it is. Anything that is not a plain IP is 'invalid'. */
export function blockedRange(address: string): BlockedRange | undefined {
  let text = address.trim();
  if (text.startsWith('[') && text.endsWith(']')) text = text.slice(1, -1);
  // A zone id (fe80::1%eth0) only makes sense on a local link.
  if (text.includes('%')) return isIPv6(text.slice(0, text.indexOf('%'))) ? 'scoped' : 'invalid';
  const v4 = parseV4(text);
  if (v4) return v4Range(v4);
  const v6 = parseV6(text);
  if (v6) return v6Range(v6);
  return 'invalid';
}

export function isPublicAddress(address: string): boolean {
  return blockedRange(address) === undefined;
}
