import { describe, expect, it } from 'vitest';
import { canonicalAddress, classifyAddress } from './address-policy';

describe('classifyAddress', () => {
  it.each([
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /unspecified/],
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['10.0.0.5', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['169.254.1.1', /link-local/],
    ['169.254.169.254', /metadata/],
    ['169.254.170.2', /metadata/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.100.100.200', /metadata/],
    ['192.0.0.8', /IETF protocol/],
    ['192.0.2.1', /documentation/],
    ['198.51.100.7', /documentation/],
    ['203.0.113.9', /documentation/],
    ['198.18.0.1', /benchmarking/],
    ['198.19.255.255', /benchmarking/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['240.0.0.1', /reserved/],
    ['::', /unspecified/],
    ['::1', /loopback/],
    ['fe80::1', /link-local/],
    ['fe80::1%eth0', /scoped/],
    ['fc00::1', /unique local/],
    ['fd12:3456::1', /unique local/],
    ['fd00:ec2::254', /metadata/],
    ['fec0::1', /site-local/],
    ['ff02::1', /multicast/],
    ['100::1', /discard/],
    ['2001:db8::1', /documentation/],
    ['3fff::1', /documentation/],
    ['2001:2::1', /benchmarking/],
    ['2001:10::1', /IETF protocol/],
    ['::ffff:127.0.0.1', /IPv4-mapped .* 127\.0\.0\.1, a loopback/],
    ['::ffff:7f00:1', /IPv4-mapped .* 127\.0\.0\.1, a loopback/],
    ['::ffff:10.1.2.3', /IPv4-mapped .* 10\.1\.2\.3, a private/],
    ['::ffff:169.254.169.254', /metadata/],
    ['::127.0.0.1', /IPv4-compatible .* loopback/],
    ['::8.8.8.8', /IPv4-compatible/],
    ['::ffff:0:127.0.0.1', /IPv4-translated .* loopback/],
    ['64:ff9b::a00:1', /NAT64 .* 10\.0\.0\.1, a private/],
    ['64:ff9b::7f00:1', /NAT64 .* loopback/],
    ['64:ff9b:1::1', /local-use NAT64/],
    ['2002:7f00:1::', /6to4 .* 127\.0\.0\.1, a loopback/],
    ['2002:a9fe:a9fe::1', /6to4 .* metadata/],
    // Teredo: server 65.54.227.120 (public), client 10.0.0.1 obfuscated as f5ff:fffe.
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', /Teredo .* 10\.0\.0\.1, a private/],
    ['2001:0:7f00:1::', /Teredo .* loopback/],
    ['4000::1', /outside global unicast/],
    ['not-an-ip', /not an IP address/],
    ['', /not an IP address/],
  ])('refuses %s', (ip, reason) => {
    expect(classifyAddress(ip)).toMatch(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001:81b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('lets public unicast %s through', (ip) => {
    expect(classifyAddress(ip)).toBeNull();
  });
});

describe('canonicalAddress', () => {
  it('treats the spellings of one address alike', () => {
    expect(canonicalAddress('::ffff:127.0.0.1')).toBe(canonicalAddress('127.0.0.1'));
    expect(canonicalAddress('0:0:0:0:0:0:0:1')).toBe(canonicalAddress('::1'));
    expect(canonicalAddress('nope')).toBeNull();
  });
});
