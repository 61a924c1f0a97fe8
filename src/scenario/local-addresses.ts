/**
 * Source addresses for the devices' sockets: a list like `127.0.0.2,127.0.0.3` or a range like
 * `127.0.0.2-127.0.0.9`. One source address reaches at most ~14,000 connections to one broker
 * address before the kernel's ephemeral-port search collapses the connect rate (docs/scaling.md),
 * so large runs spread devices over several.
 */
import { isIPv4, isIP } from 'node:net';

/** At most this many addresses from one range: a typo like 10.0.0.1-10.9.0.1 should not expand to millions. */
const MAX_RANGE_ADDRESSES = 4096;

export type AddressesOutcome = { ok: true; addresses: string[] } | { ok: false; problem: string };

/** Expands `entries` (each an address, a comma list, or an IPv4 range a-b) into addresses, in order. */
export function expandLocalAddresses(entries: readonly string[]): AddressesOutcome {
  const addresses: string[] = [];
  for (const part of entries
    .flatMap((e) => e.split(','))
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const dash = part.indexOf('-');
    if (dash < 0) {
      if (isIP(part) === 0) return { ok: false, problem: `"${part}" is not an IP address` };
      addresses.push(part);
      continue;
    }
    const range = expandRange(part.slice(0, dash), part.slice(dash + 1));
    if (!range.ok) return range;
    addresses.push(...range.addresses);
  }
  if (addresses.length === 0) return { ok: false, problem: 'expected at least one address' };
  return { ok: true, addresses };
}

function expandRange(from: string, to: string): AddressesOutcome {
  if (!isIPv4(from) || !isIPv4(to)) return { ok: false, problem: `"${from}-${to}": ranges are IPv4 only, like 127.0.0.2-127.0.0.9` };
  const first = toNumber(from);
  const last = toNumber(to);
  if (last < first) return { ok: false, problem: `"${from}-${to}": the range ends before it starts` };
  if (last - first + 1 > MAX_RANGE_ADDRESSES)
    return { ok: false, problem: `"${from}-${to}" holds ${last - first + 1} addresses; at most ${MAX_RANGE_ADDRESSES}` };
  return { ok: true, addresses: Array.from({ length: last - first + 1 }, (_, i) => toText(first + i)) };
}

function toNumber(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

function toText(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
