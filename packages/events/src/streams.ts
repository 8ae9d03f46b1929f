/**
 * Every Redis stream Materi uses is named here and nowhere else (STYLE.md §6, like y-redis
 * `computeRedisRoomStreamName`). The table is the spec's "Event Streams" table
 * (spec/integration-architecture.md): name, retention, and the services that consume it.
 */

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** The key prefix of production streams; tests pass their own so they never touch real ones. */
export const DEFAULT_STREAM_PREFIX = "materi";

/** Every service that runs a consumer group; group names are service names (issue 4, §4). */
export const SERVICES = ["gateway", "shield", "api", "relay", "aria"] as const;
export type ServiceName = (typeof SERVICES)[number];

/** The five domain streams of the spec, plus the dead-letter stream. */
export type StreamDomain = "users" | "documents" | "collaboration" | "ai" | "system";

export interface StreamSpec {
  /** How long entries are kept, in ms, trimmed by age (XADD MINID). */
  readonly retentionMs: number;
  /** event_type prefixes routed to this stream, e.g. "user." */
  readonly eventPrefixes: readonly string[];
  /** Consumer groups (service names) that read this stream. */
  readonly consumerGroups: readonly ServiceName[];
}

/** The spec's stream table: retention and consumers per stream. */
export const STREAM_TABLE: Readonly<Record<StreamDomain, StreamSpec>> = {
  users: { retentionMs: 7 * DAY_MS, eventPrefixes: ["user."], consumerGroups: ["api", "relay"] },
  // Membership changes are permission changes on documents' workspaces (issue 4: workspace.* -> documents).
  documents: { retentionMs: 7 * DAY_MS, eventPrefixes: ["document.", "workspace."], consumerGroups: ["relay", "shield"] },
  collaboration: { retentionMs: 24 * HOUR_MS, eventPrefixes: ["collaboration."], consumerGroups: ["api"] },
  ai: { retentionMs: 24 * HOUR_MS, eventPrefixes: ["ai."], consumerGroups: ["api"] },
  system: { retentionMs: 7 * DAY_MS, eventPrefixes: ["system."], consumerGroups: SERVICES },
};

/** The domain streams in the spec's table order. */
export const STREAM_DOMAINS = Object.keys(STREAM_TABLE) as StreamDomain[];

/**
 * THE function that names streams: `materi:events:<domain>`, and `materi:events:dlq` for dead
 * letters. `prefix` exists for tests (unique per test, so the shared Redis stays clean).
 */
export function streamName(domain: StreamDomain | "dlq", prefix: string = DEFAULT_STREAM_PREFIX): string {
  return `${prefix}:events:${domain}`;
}

/** The dead-letter stream, `materi:events:dlq`. Kept until replayed or purged: never trimmed by age. */
export const DLQ_STREAM = streamName("dlq");

/** The stream an event type is published to; throws UnknownStreamError for an unrouted prefix. */
export function streamFor(eventType: string, prefix: string = DEFAULT_STREAM_PREFIX): string {
  return streamName(domainFor(eventType), prefix);
}

/** The domain an event type routes to, e.g. "workspace.member_added" -> "documents". */
export function domainFor(eventType: string): StreamDomain {
  for (const domain of STREAM_DOMAINS) {
    if (STREAM_TABLE[domain].eventPrefixes.some((p) => eventType.startsWith(p))) return domain;
  }
  throw new UnknownStreamError(eventType);
}

/**
 * Retention of a stream named by `streamName` (any prefix), in ms; undefined for the DLQ and
 * for names this module did not make, which are then never trimmed by age.
 */
export function retentionFor(stream: string): number | undefined {
  const marker = ":events:";
  const at = stream.lastIndexOf(marker);
  if (at < 0) return undefined;
  const domain = stream.slice(at + marker.length);
  return Object.hasOwn(STREAM_TABLE, domain) ? STREAM_TABLE[domain as StreamDomain].retentionMs : undefined;
}

/** The consumer groups (service names) of each domain stream, from the spec's table. */
export const CONSUMER_GROUPS: Readonly<Record<StreamDomain, readonly ServiceName[]>> = Object.fromEntries(
  STREAM_DOMAINS.map((d) => [d, STREAM_TABLE[d].consumerGroups]),
) as Record<StreamDomain, readonly ServiceName[]>;

/** The domain streams a service consumes, e.g. "relay" -> users, documents, system. */
export function streamsConsumedBy(service: ServiceName): StreamDomain[] {
  return STREAM_DOMAINS.filter((d) => STREAM_TABLE[d].consumerGroups.includes(service));
}

/** Thrown for an event_type whose prefix routes to no stream. */
export class UnknownStreamError extends Error {
  /** Stable code for logs. */
  readonly code = "EVENTS_ERR_UNKNOWN_STREAM";

  constructor(readonly eventType: string) {
    super(
      `event type "${eventType}" routes to no stream: its prefix must be one of ` +
        `${STREAM_DOMAINS.flatMap((d) => STREAM_TABLE[d].eventPrefixes).join(", ")} (packages/events/src/streams.ts)`,
    );
    this.name = "UnknownStreamError";
  }
}
