/**
 * How outbox rows are split between dispatcher replicas. A row's partition is a hash of its
 * aggregate id, so every event of one aggregate is in one partition, and a partition is served
 * by one replica at a time (the holder of its advisory lock), in id order: that is the per-
 * aggregate order guarantee (issue 4, §3).
 */

/**
 * Partitions per outbox. Part of the stored data: enqueueEvent writes `hash % OUTBOX_PARTITIONS`
 * on each row and the dispatchers serve exactly these, so change it only with an empty outbox.
 */
export const OUTBOX_PARTITIONS = 16;

/** Most partitions allowed: lock keys keep the low 16 bits for the partition (see lockKey). */
export const MAX_PARTITIONS = 1024;

/** The partition of an aggregate: FNV-1a 32 of its UTF-8 bytes, modulo `partitions`. */
export function partitionOf(aggregateId: string, partitions: number = OUTBOX_PARTITIONS): number {
  checkPartitions(partitions);
  return fnv1a32(aggregateId) % partitions;
}

/** Throws unless `partitions` is an integer in 1..MAX_PARTITIONS. */
export function checkPartitions(partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS) {
    throw new RangeError(`outbox partitions must be an integer in 1..${MAX_PARTITIONS}, got ${partitions}`);
  }
  return partitions;
}

// Advisory lock keys are bigints shown in pg_locks as classid (high 32 bits) and objid (low 32):
// the high half names the outbox (a hash of its schema), the low half the partition. The member
// slot, above any partition, is the key every live replica holds in shared mode, so counting its
// holders counts the replicas.
const MEMBER_SLOT = 0xffff;

/** The high half of every lock key of `schema`'s outbox: pg_locks.classid. */
export function lockSpace(schema: string): number {
  return fnv1a32(`materi:outbox:${schema}`);
}

/** The session advisory lock key of one partition, as a decimal string for `$1::bigint`. */
export function lockKey(schema: string, partition: number): string {
  return BigInt.asIntN(64, (BigInt(lockSpace(schema)) << 32n) | BigInt(partition)).toString();
}

/** The key every replica of `schema`'s dispatcher holds in shared mode while it runs. */
export function memberKey(schema: string): string {
  return lockKey(schema, MEMBER_SLOT);
}

/** pg_locks.objid of the member key. */
export const MEMBER_OBJID = MEMBER_SLOT;

function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
