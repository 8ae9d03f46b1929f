import { isIP } from "node:net";
import type { IncomingHttpHeaders } from "node:http";
import { addressSet, normalizeAddress, type AddressSet } from "./cidr.js";
import { CLOUDFLARE_IPV4, CLOUDFLARE_IPV6 } from "./cloudflareRanges.js";

/** Which proxies in front of the gateway may tell it the client's address (TRUST_PROXY, parsed). */
export interface TrustProxySetting {
  /** Believe CF-Connecting-IP from Cloudflare's edge (and from `cidrs`). */
  cloudflare: boolean;
  /** Further trusted proxies (load balancers, ingress), as CIDRs or addresses. */
  cidrs: readonly string[];
}

/** Resolves the client address of a request from its socket peer and, when trusted, proxy headers. */
export type ClientIpResolver = (peer: string | undefined, headers: IncomingHttpHeaders) => string;

/** Used when the socket is already gone (the peer address reads as undefined then). */
const UNKNOWN = "0.0.0.0";

/**
 * Builds the resolver for a TRUST_PROXY setting:
 * - nothing trusted: the socket peer, whatever headers say (anyone can write them);
 * - cloudflare: CF-Connecting-IP, only when the peer is a Cloudflare edge or a listed proxy;
 * - CIDRs: X-Forwarded-For walked from the right, skipping trusted hops (each proxy appends the
 *   address it saw, so only the entries added by our own proxies can be believed).
 */
export function createClientIpResolver(setting: TrustProxySetting): ClientIpResolver {
  const direct: ClientIpResolver = (peer) => normalizeAddress(peer ?? UNKNOWN);
  if (setting.cloudflare) {
    const trusted = addressSet([...CLOUDFLARE_IPV4, ...CLOUDFLARE_IPV6, ...setting.cidrs]);
    return (peer, headers) => {
      const address = direct(peer, headers);
      if (!trusted.has(address)) return address;
      const claimed = headers["cf-connecting-ip"];
      return typeof claimed === "string" && isIP(claimed.trim()) !== 0 ? normalizeAddress(claimed.trim()) : address;
    };
  }
  if (setting.cidrs.length === 0) return direct;
  const trusted = addressSet(setting.cidrs);
  return (peer, headers) => walkForwardedFor(direct(peer, headers), headers["x-forwarded-for"], trusted);
}

function walkForwardedFor(peer: string, header: string | string[] | undefined, trusted: AddressSet): string {
  if (!trusted.has(peer) || header === undefined) return peer;
  // Several X-Forwarded-For lines are one list in order (RFC 9110 section 5.3).
  const hops = (Array.isArray(header) ? header.join(",") : header).split(",");
  let current = peer;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = normalizeAddress((hops[i] ?? "").trim());
    // A malformed entry was written by someone we do not trust: stop at the last hop we could verify.
    if (isIP(hop) === 0) return current;
    current = hop;
    if (!trusted.has(hop)) return hop;
  }
  return current;
}
