/** The address policy: public unicast passes; every special-purpose range, in every spelling, does not. */
import { describe, expect, it } from 'vitest';
import { blockedRange, isPublicAddress, type BlockedRange } from '../../adapters/net/address-policy.js';

const PUBLIC = [
  '1.1.1.1',
  '8.8.8.8',
  '93.184.216.34',
  '9.255.255.255', // just below 10/8
  '11.0.0.0', // just above 10/8
  '100.63.255.255', // just below 100.64/10
  '100.128.0.0', // just above it
  '126.255.255.255',
  '128.0.0.0',
  '169.253.255.255',
  '169.255.0.0',
  '172.15.255.255', // just below 172.16/12
  '172.32.0.0', // just above it
  '192.0.1.1',
  '192.31.196.1', // AS112 is globally reachable
  '192.167.255.255',
  '192.169.0.0',
  '198.17.255.255',
  '198.20.0.0', // just above 198.18/15
  '223.255.255.255', // just below multicast
  '2606:4700:4700::1111',
  '2001:4860:4860::8888',
  '2a00:1450:4001:82a::200e',
  '[2606:4700:4700::1111]', // bracketed, as in URLs
  '64:ff9b::808:808', // NAT64 of 8.8.8.8
  '64:ff9b::8.8.8.8',
  '2002:0808:0808::1', // 6to4 of 8.8.8.8
  '2001:200::1', // just above 2001::/23
];

const BLOCKED: [string, BlockedRange][] = [
  // IPv4
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['100.64.0.1', 'cgnat'],
  ['100.100.100.200', 'cgnat'], // Alibaba's metadata service
  ['100.127.255.255', 'cgnat'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['169.254.0.1', 'link_local'],
  ['169.254.169.254', 'metadata'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.0.0.192', 'ietf_protocol'], // Oracle's metadata service
  ['192.0.2.1', 'documentation'],
  ['192.88.99.1', 'reserved'],
  ['192.168.1.1', 'private'],
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.9', 'documentation'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  // IPv6
  ['::', 'unspecified'],
  ['0:0:0:0:0:0:0:0', 'unspecified'],
  ['::1', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['[::1]', 'loopback'],
  ['fc00::1', 'private'],
  ['fd12:3456:789a::1', 'private'],
  ['fd00:ec2::254', 'metadata'],
  ['fe80::1', 'link_local'],
  ['febf:ffff::1', 'link_local'],
  ['fe80::1%eth0', 'scoped'],
  ['fec0::1', 'site_local'],
  ['ff02::1', 'multicast'],
  ['ff0e::1', 'multicast'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['2001:2::1', 'benchmarking'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'ietf_protocol'], // Teredo
  ['100::1', 'reserved'], // discard-only
  ['5f00::1', 'reserved'], // outside 2000::/3
  // IPv4 inside IPv6
  ['::ffff:127.0.0.1', 'ipv4_mapped'],
  ['::ffff:7f00:1', 'ipv4_mapped'],
  ['0:0:0:0:0:ffff:7f00:0001', 'ipv4_mapped'],
  ['::ffff:169.254.169.254', 'ipv4_mapped'],
  ['::ffff:a9fe:a9fe', 'ipv4_mapped'],
  ['::ffff:10.0.0.1', 'ipv4_mapped'],
  ['::ffff:8.8.8.8', 'ipv4_mapped'], // no resolver returns these; nothing legitimate needs them
  ['::ffff:0:127.0.0.1', 'ipv4_mapped'],
  ['::127.0.0.1', 'ipv4_compatible'],
  ['::7f00:1', 'ipv4_compatible'],
  ['64:ff9b::127.0.0.1', 'loopback'],
  ['64:ff9b::7f00:1', 'loopback'],
  ['64:ff9b::a9fe:a9fe', 'metadata'],
  ['64:ff9b::10.1.2.3', 'private'],
  ['64:ff9b:1::8.8.8.8', 'nat64_local'],
  ['2002:7f00:0001::', 'loopback'],
  ['2002:c0a8:0101::1', 'private'],
  ['2002:a9fe:a9fe::', 'metadata'],
  // Not addresses at all, or spellings no resolver returns: never public.
  ['', 'invalid'],
  ['localhost', 'invalid'],
  ['127.1', 'invalid'],
  ['0x7f.0.0.1', 'invalid'],
  ['2130706433', 'invalid'],
  ['0127.0.0.1', 'invalid'],
  ['1.2.3.4.5', 'invalid'],
  ['::ffff:1.2.3', 'invalid'],
  ['gggg::1', 'invalid'],
];

describe('address policy', () => {
  it.each(PUBLIC)('%s is public', (address) => {
    expect(blockedRange(address)).toBeUndefined();
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each(BLOCKED)('%s is refused as %s', (address, range) => {
    expect(blockedRange(address)).toBe(range);
    expect(isPublicAddress(address)).toBe(false);
  });

  it('decodes IPv4 inside IPv6 the same way whatever the spelling', () => {
    for (const v6 of ['64:ff9b::c0a8:101', '64:ff9b::192.168.1.1', '64:ff9b:0:0:0:0:c0a8:0101', '64:FF9B::C0A8:101']) {
      expect(blockedRange(v6)).toBe(blockedRange('192.168.1.1'));
    }
    // and a public address embedded the same ways stays public
    for (const v6 of ['64:ff9b::5db8:d822', '64:ff9b::93.184.216.34', '2002:5db8:d822::']) {
      expect(isPublicAddress(v6)).toBe(true);
    }
  });

  it('draws the range edges exactly (second-octet sweeps of 172.16/12, 100.64/10, 198.18/15)', () => {
    for (let o = 0; o < 256; o++) {
      expect(isPublicAddress(`172.${o}.7.1`)).toBe(o < 16 || o > 31);
      expect(isPublicAddress(`100.${o}.7.1`)).toBe(o < 64 || o > 127);
      expect(isPublicAddress(`198.${o}.7.1`)).toBe(o !== 18 && o !== 19);
      expect(isPublicAddress(`127.${o}.7.1`)).toBe(false);
    }
  });
});
