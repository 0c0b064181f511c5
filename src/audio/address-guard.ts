import { lookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { EarshotError } from '../errors.js';

/**
 * Keeps URL fetches away from the machine itself and its private networks (SSRF): a server that
 * fetches whatever URL a client names could otherwise be pointed at a cloud metadata endpoint
 * (169.254.169.254), a database on localhost, or an office LAN.
 */

export interface VettedAddress {
  address: string;
  family: 4 | 6;
}

// Special-purpose ranges from the IANA IPv4 and IPv6 registries that no public audio host uses.
const V4_RANGES: Array<[string, string]> = [
  ['0.0.0.0/8', '"this network" (0.0.0.0/8)'],
  ['10.0.0.0/8', 'private (10.0.0.0/8)'],
  ['100.64.0.0/10', 'carrier-grade NAT (100.64.0.0/10)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local (169.254.0.0/16, cloud metadata)'],
  ['172.16.0.0/12', 'private (172.16.0.0/12)'],
  ['192.0.0.0/24', 'IETF protocol assignments (192.0.0.0/24)'],
  ['192.0.2.0/24', 'documentation (192.0.2.0/24)'],
  ['192.168.0.0/16', 'private (192.168.0.0/16)'],
  ['198.18.0.0/15', 'benchmarking (198.18.0.0/15)'],
  ['198.51.100.0/24', 'documentation (198.51.100.0/24)'],
  ['203.0.113.0/24', 'documentation (203.0.113.0/24)'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved or broadcast (240.0.0.0/4)'],
];
const V6_RANGES: Array<[string, string]> = [
  ['::/128', 'unspecified (::)'],
  ['::1/128', 'loopback'],
  // The deprecated IPv4-compatible form; nothing public uses it.
  ['::/96', 'IPv4-compatible IPv6 (::/96)'],
  ['64:ff9b:1::/48', 'local-use NAT64 (64:ff9b:1::/48)'],
  ['100::/64', 'discard-only (100::/64)'],
  // Teredo hides an IPv4 address in a form this guard does not decode.
  ['2001::/32', 'Teredo (2001::/32)'],
  ['2001:db8::/32', 'documentation (2001:db8::/32)'],
  ['fc00::/7', 'unique-local (fc00::/7)'],
  ['fe80::/10', 'link-local (fe80::/10)'],
  ['fec0::/10', 'site-local (fec0::/10)'],
  ['ff00::/8', 'multicast'],
];

interface Range {
  bytes: Uint8Array;
  bits: number;
  label: string;
}

const v4Ranges = V4_RANGES.map(([cidr, label]) => parseRange(cidr, label));
const v6Ranges = V6_RANGES.map(([cidr, label]) => parseRange(cidr, label));

/**
 * Why an address must not be fetched from ("loopback", "private (10.0.0.0/8)", …), or null for a
 * public address. IPv6 forms that carry an IPv4 address (IPv4-mapped ::ffff:a.b.c.d, NAT64
 * 64:ff9b::a.b.c.d, 6to4 2002:AABB:CCDD::) are judged by that IPv4 address, since they reach it.
 */
export function forbiddenAddressReason(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return matchRange(ipv4Bytes(bare), v4Ranges);
  if (family !== 6) return 'not an IP address';
  const bytes = ipv6Bytes(bare);
  const embedded = embeddedIpv4(bytes);
  if (embedded) {
    const reason = matchRange(embedded.v4, v4Ranges);
    return reason === null ? null : `${reason}, as ${embedded.form}`;
  }
  return matchRange(bytes, v6Ranges);
}

/**
 * Resolves a URL's hostname and checks every address it has. All must pass: a name that also
 * resolves to a private address is refused outright rather than trusted to pick the right one.
 */
export async function vetHost(hostname: string, allowPrivateNetworks: boolean): Promise<VettedAddress[]> {
  const host = hostname.replace(/^\[|\]$/g, '');
  let addresses: VettedAddress[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) as 4 | 6 }];
  } else {
    try {
      const found = await lookup(host, { all: true, verbatim: true });
      addresses = found.map((a) => ({ address: a.address, family: a.family as 4 | 6 }));
    } catch (err) {
      // The resolver's answer (NXDOMAIN, SERVFAIL…) says things about the server's network; the log has it.
      throw new EarshotError('remote_fetch_failed', `Could not resolve the host ${host}; check the URL.`, { cause: err });
    }
  }
  if (!allowPrivateNetworks) {
    for (const { address } of addresses) {
      const reason = forbiddenAddressReason(address);
      if (reason === null) continue;
      // A literal is the client's own text; what a name resolves to is the server's to keep.
      const why = address === host ? `the address is ${reason}` : 'the name resolves to an address that is not public';
      throw new EarshotError(
        'remote_forbidden',
        `Refusing to fetch from ${host}: ${why}. Only public addresses are allowed; a server operator can enable private networks.`,
      );
    }
  }
  return addresses;
}

/**
 * A `lookup` for http.request that answers with the addresses already vetted, so the socket
 * connects to exactly those and a second DNS answer (DNS rebinding) can never swap them.
 */
export function pinnedLookup(addresses: VettedAddress[]): LookupFunction {
  return ((_hostname: string, options: { all?: boolean; family?: number | string }, callback: (...args: unknown[]) => void) => {
    const wanted = options?.family === 4 || options?.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
    const usable = wanted.length > 0 ? wanted : addresses;
    if (options?.all) callback(null, usable);
    else callback(null, usable[0].address, usable[0].family);
  }) as LookupFunction;
}

function parseRange(cidr: string, label: string): Range {
  const [address, bits] = cidr.split('/');
  const bytes = isIP(address) === 4 ? ipv4Bytes(address) : ipv6Bytes(address);
  return { bytes, bits: Number(bits), label };
}

function matchRange(bytes: Uint8Array, ranges: Range[]): string | null {
  for (const range of ranges) {
    if (range.bytes.length === bytes.length && prefixMatches(bytes, range.bytes, range.bits)) return range.label;
  }
  return null;
}

function prefixMatches(bytes: Uint8Array, prefix: Uint8Array, bits: number): boolean {
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== prefix[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (bytes[whole] & mask) === (prefix[whole] & mask);
}

function embeddedIpv4(bytes: Uint8Array): { v4: Uint8Array; form: string } | null {
  const zeros = (from: number, to: number) => bytes.subarray(from, to).every((b) => b === 0);
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return { v4: bytes.subarray(12), form: 'IPv4-mapped IPv6' };
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zeros(4, 12)) {
    return { v4: bytes.subarray(12), form: 'NAT64 IPv6' };
  }
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return { v4: bytes.subarray(2, 6), form: '6to4 IPv6' };
  return null;
}

function ipv4Bytes(address: string): Uint8Array {
  return Uint8Array.from(address.split('.').map(Number));
}

/** Sixteen bytes of an address that net.isIP already accepted as IPv6. */
function ipv6Bytes(address: string): Uint8Array {
  // A trailing dotted quad (::ffff:127.0.0.1) is the last two groups written in decimal.
  const text = address.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_m, a, b, c, d) =>
    `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`,
  );
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  let groups: number[];
  if (text.includes('::')) {
    const [left, right] = text.split('::');
    const head = parse(left);
    const tail = parse(right);
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    groups = parse(text);
  }
  const bytes = new Uint8Array(16);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return bytes;
}

const CONNECTION_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EPIPE: 'the connection was closed',
};

/**
 * A socket error as a client may read it: Node's own text names the address it dialled
 * ("connect ECONNREFUSED 10.0.0.7:80"), which would tell a client what a host name resolved to.
 */
export function describeConnectionError(err: NodeJS.ErrnoException): string {
  if (err.code && CONNECTION_FAILURES[err.code]) return CONNECTION_FAILURES[err.code];
  if (err.code?.startsWith('ERR_TLS') || /cert|SSL|TLS/i.test(`${err.code} ${err.message}`)) {
    // "self-signed certificate" helps the client; a name mismatch lists the address it reached.
    const addressFree = !/\d+\.\d+\.\d+\.\d+|[0-9a-f]*:[0-9a-f]*:[0-9a-f]*/i.test(err.message);
    return `the TLS handshake failed: ${addressFree ? err.message : err.code}`;
  }
  return err.code ? `the connection failed (${err.code})` : 'the connection failed';
}
