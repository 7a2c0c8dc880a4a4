import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Cidr = [Address, number];

/** Known cloud metadata endpoints; their ranges are refused anyway, the name makes the refusal clear. */
const METADATA_TABLE: ReadonlyArray<[string, string]> = [
  ['169.254.169.254', 'the cloud metadata service address'],
  ['169.254.170.2', 'the container metadata service address (ECS)'],
  ['100.100.100.200', 'the cloud metadata service address (Alibaba)'],
  ['192.0.0.192', 'the cloud metadata service address (Oracle)'],
  ['fd00:ec2::254', 'the cloud metadata service address (AWS IPv6)'],
];
const METADATA_ADDRESSES: ReadonlyMap<string, string> = new Map(
  METADATA_TABLE.map(([ip, reason]) => [normalized(ipaddr.parse(ip)), reason]),
);

/**
 * IPv4 ranges that are not public unicast (IANA special-purpose registry), checked in order:
 * the broadcast address sits inside 240/4 and must match first.
 */
const IPV4_RANGES = ranges([
  ['0.0.0.0/8', 'an unspecified ("this network") address'],
  ['10.0.0.0/8', 'a private address'],
  ['100.64.0.0/10', 'a carrier-grade NAT (shared) address'],
  ['127.0.0.0/8', 'a loopback address'],
  ['169.254.0.0/16', 'a link-local address'],
  ['172.16.0.0/12', 'a private address'],
  ['192.0.0.0/24', 'an IETF protocol assignment address'],
  ['192.0.2.0/24', 'a documentation address'],
  ['192.88.99.0/24', 'a deprecated 6to4 relay address'],
  ['192.168.0.0/16', 'a private address'],
  ['198.18.0.0/15', 'a benchmarking address'],
  ['198.51.100.0/24', 'a documentation address'],
  ['203.0.113.0/24', 'a documentation address'],
  ['224.0.0.0/4', 'a multicast address'],
  ['255.255.255.255/32', 'the broadcast address'],
  ['240.0.0.0/4', 'a reserved address'],
]);

/** IPv6 ranges refused outright (the forms embedding IPv4 are handled before these). */
const IPV6_RANGES = ranges([
  ['::/128', 'the unspecified address'],
  ['::1/128', 'a loopback address'],
  ['64:ff9b:1::/48', 'a local-use NAT64 address'],
  ['100::/64', 'a discard-only address'],
  ['2001:db8::/32', 'a documentation address'],
  ['3fff::/20', 'a documentation address'],
  ['2001:2::/48', 'a benchmarking address'],
  ['2001::/23', 'an IETF protocol assignment address'],
  ['fc00::/7', 'a unique local (private) address'],
  ['fec0::/10', 'a site-local address'],
  ['fe80::/10', 'a link-local address'],
  ['ff00::/8', 'a multicast address'],
]);

const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

/**
 * IPv6 forms that carry an IPv4 address: a connection to them may end at that IPv4 address, so
 * the embedded address is classified too. `refuseAnyway` marks forms that are never routed
 * publicly, whatever they embed.
 */
const EMBEDDING_FORMS: ReadonlyArray<{
  cidr: Cidr;
  name: string;
  embedded: (parts: number[]) => ipaddr.IPv4[];
  refuseAnyway?: true;
}> = [
  { cidr: cidr('::ffff:0:0/96'), name: 'an IPv4-mapped IPv6 address', embedded: (p) => [v4(p[6], p[7])] },
  {
    cidr: cidr('::ffff:0:0:0/96'),
    name: 'an IPv4-translated IPv6 address',
    embedded: (p) => [v4(p[6], p[7])],
    refuseAnyway: true,
  },
  {
    cidr: cidr('::/96'),
    name: 'an IPv4-compatible IPv6 address (deprecated)',
    embedded: (p) => [v4(p[6], p[7])],
    refuseAnyway: true,
  },
  { cidr: cidr('64:ff9b::/96'), name: 'a NAT64 address', embedded: (p) => [v4(p[6], p[7])] },
  { cidr: cidr('2002::/16'), name: 'a 6to4 address', embedded: (p) => [v4(p[1], p[2])] },
  {
    // Teredo: the server's IPv4 address in clear, the client's obfuscated (bit-inverted).
    cidr: cidr('2001::/32'),
    name: 'a Teredo address',
    embedded: (p) => [v4(p[2], p[3]), v4(~(p[6] ?? 0), ~(p[7] ?? 0))],
  },
];

/**
 * Why `ip` must not be connected to, or null when it is a public unicast address. The reason reads
 * after the address in a message: "10.0.0.5, a private address".
 */
export function classifyAddress(ip: string): string | null {
  const address = parseAddress(ip);
  if (!address) return 'not an IP address';
  const metadata = METADATA_ADDRESSES.get(normalized(address));
  if (metadata) return metadata;
  if (address.kind() === 'ipv4') return classifyIpv4(address as ipaddr.IPv4);
  return classifyIpv6(address as ipaddr.IPv6);
}

function classifyIpv4(address: ipaddr.IPv4): string | null {
  return IPV4_RANGES.find(({ cidr }) => address.match(cidr))?.reason ?? null;
}

function classifyIpv6(address: ipaddr.IPv6): string | null {
  // A zone index scopes an address to one interface: only meaningful for link-local targets.
  if (address.zoneId !== undefined) return 'a scoped (zone) address';
  const outright = IPV6_RANGES.find(({ cidr }) => address.match(cidr));
  // The unspecified and loopback addresses lie inside ::/96 and must not read as embedded IPv4.
  if (outright && outright.cidr[1] === 128) return outright.reason;
  const form = EMBEDDING_FORMS.find(({ cidr }) => address.match(cidr));
  if (form) {
    for (const embedded of form.embedded(address.parts)) {
      const reason = METADATA_ADDRESSES.get(embedded.toString()) ?? classifyIpv4(embedded);
      if (reason) return `${form.name} embedding ${embedded.toString()}, ${reason}`;
    }
    return form.refuseAnyway ? form.name : null;
  }
  if (outright) return outright.reason;
  if (!address.match(GLOBAL_UNICAST_V6)) return 'a reserved address (outside global unicast 2000::/3)';
  return null;
}

/** The canonical text of an address, for comparing two spellings of one address. */
export function canonicalAddress(ip: string): string | null {
  const address = parseAddress(ip);
  if (!address) return null;
  return normalized(
    address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
      ? (address as ipaddr.IPv6).toIPv4Address()
      : address,
  );
}

/**
 * Parses an address; null when it is none. IPv6 text with a dotted IPv4 tail goes through the
 * WHATWG parser first: ipaddr.js reads "::127.0.0.1" as IPv4-mapped (::ffff:7f00:1), but it is
 * the IPv4-compatible ::7f00:1, and glibc prints such answers in that form.
 */
function parseAddress(ip: string): Address | null {
  if (typeof ip !== 'string') return null;
  const [bare = '', zone] = ip.split('%', 2);
  try {
    const text = bare.includes(':') && bare.includes('.') ? new URL(`http://[${bare}]/`).hostname.slice(1, -1) : bare;
    const address = ipaddr.parse(text);
    if (zone !== undefined && address.kind() === 'ipv6') (address as ipaddr.IPv6).zoneId = zone;
    return zone !== undefined && address.kind() === 'ipv4' ? null : address;
  } catch {
    return null;
  }
}

function normalized(address: Address): string {
  return address.kind() === 'ipv4' ? address.toString() : (address as ipaddr.IPv6).toNormalizedString();
}

function v4(high: number | undefined, low: number | undefined): ipaddr.IPv4 {
  const h = (high ?? 0) & 0xffff;
  const l = (low ?? 0) & 0xffff;
  return new ipaddr.IPv4([h >> 8, h & 0xff, l >> 8, l & 0xff]);
}

function cidr(text: string): Cidr {
  return ipaddr.parseCIDR(text);
}

function ranges(table: ReadonlyArray<[string, string]>): ReadonlyArray<{ cidr: Cidr; reason: string }> {
  return table.map(([text, reason]) => ({ cidr: cidr(text), reason }));
}
