import { BlockList, isIP } from "node:net";

/** One parsed `address/prefix` (a bare address is a /32 or /128). */
export interface Cidr {
  address: string;
  prefix: number;
  family: "ipv4" | "ipv6";
}

/** Parses `10.0.0.0/8`, `2400:cb00::/32` or a bare address; undefined when it is neither. */
export function parseCidr(text: string): Cidr | undefined {
  const [address = "", prefixText, extra] = text.trim().split("/");
  if (extra !== undefined) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  const family = version === 4 ? "ipv4" : "ipv6";
  const max = version === 4 ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: max, family };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= max ? { address, prefix, family } : undefined;
}

/** A set of CIDRs answering "is this address inside?", on node's native BlockList. */
export interface AddressSet {
  has(address: string): boolean;
}

/** Builds an AddressSet; throws on an entry that is not a CIDR (config validation catches it first). */
export function addressSet(cidrs: Iterable<string>): AddressSet {
  const list = new BlockList();
  let empty = true;
  for (const text of cidrs) {
    const cidr = parseCidr(text);
    if (!cidr) throw new Error(`not an IP address or CIDR: ${text}`);
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
    empty = false;
  }
  return {
    has(address) {
      if (empty) return false;
      const version = isIP(address);
      // BlockList matches IPv4-mapped IPv6 (::ffff:a.b.c.d) against IPv4 subnets itself.
      return version !== 0 && list.check(address, version === 4 ? "ipv4" : "ipv6");
    },
  };
}

/** `::ffff:1.2.3.4` (how a dual-stack socket reports an IPv4 peer) becomes `1.2.3.4`. */
export function normalizeAddress(address: string): string {
  return address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
