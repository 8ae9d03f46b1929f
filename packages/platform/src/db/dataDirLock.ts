import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

// PGlite writes no postmaster.pid and takes no file locks: two processes opening one data directory
// would both write to it and corrupt it. This lock file (holding the owner's pid) stops the second.

/** Name of the lock file inside the data directory. */
export const LOCK_FILE_NAME = "pgdata.lock";

/** Thrown when another live process holds the data directory. */
export class DataDirLockedError extends Error {
  readonly code = "MATERI_DATA_DIR_LOCKED";

  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The data directory ${dataDir} is in use by process ${pid} (lock file ${path.join(dataDir, LOCK_FILE_NAME)}). ` +
        "Stop that process, or give this one its own data directory (MATERI_DATA_DIR).",
    );
    this.name = "DataDirLockedError";
  }
}

export interface DataDirLock {
  /** Removes the lock file if it is still ours; idempotent. */
  release(): void;
}

// Lock files this process holds, so a lock that names our own pid but is not in here is recognised
// as a leftover of an earlier process that had the same pid (pid 1 in a restarted container).
const heldHere = new Set<string>();

/**
 * Takes `<dataDir>/pgdata.lock` for this process, taking over a lock whose process is gone.
 * Throws DataDirLockedError when a live process holds it. `dataDir` must exist.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = path.join(dataDir, LOCK_FILE_NAME);
  // A few rounds, because a stale lock may vanish or be taken over by a racing process between steps.
  for (let round = 0; round < 3; round += 1) {
    if (tryCreate(file)) {
      heldHere.add(file);
      return { release: () => release(file) };
    }
    const owner = readOwner(file);
    if (owner !== undefined && isAlive(owner, file)) throw new DataDirLockedError(dataDir, owner);
    removeStale(file, owner);
  }
  throw new Error(`Could not take over the stale lock file ${file}; remove it if no process uses ${dataDir}`);
}

// The pid is written to a private file first and then hard-linked into place: link() fails if the
// lock exists, and a reader never sees a half-written lock it could mistake for a stale one.
function tryCreate(file: string): boolean {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(temp, `${process.pid}\n`);
  try {
    linkSync(temp, file);
    return true;
  } catch (err) {
    if (codeOf(err) === "EEXIST") return false;
    throw err;
  } finally {
    unlinkSync(temp);
  }
}

/** The pid in the lock file; undefined when it is gone or holds no pid. */
function readOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, "utf8").trim(), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch (err) {
    if (codeOf(err) === "ENOENT") return undefined;
    throw err;
  }
}

function isAlive(pid: number, file: string): boolean {
  if (pid === process.pid) return heldHere.has(file);
  try {
    process.kill(pid, 0); // signal 0 only checks that the process exists
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user. ESRCH: it is gone.
    return codeOf(err) === "EPERM";
  }
}

// Moves the stale lock aside (rename is atomic, so of two processes taking over only one succeeds),
// then checks it moved what it judged stale: if a racing process had already replaced the lock with
// its own, that lock is put back and the next round reports that process.
function removeStale(file: string, judgedOwner: number | undefined): void {
  const aside = `${file}.stale.${process.pid}.${randomBytes(4).toString("hex")}`;
  try {
    renameSync(file, aside);
  } catch (err) {
    if (codeOf(err) === "ENOENT") return; // already gone: the next round creates it
    throw err;
  }
  if (readOwner(aside) !== judgedOwner) {
    try {
      linkSync(aside, file);
    } catch (err) {
      if (codeOf(err) !== "EEXIST") throw err; // EEXIST: a third process holds it now; next round sees it
    }
  }
  unlinkSync(aside);
}

function release(file: string): void {
  if (!heldHere.delete(file)) return;
  if (readOwner(file) === process.pid) unlinkSync(file);
}

function codeOf(err: unknown): unknown {
  return typeof err === "object" && err !== null ? (err as { code?: unknown }).code : undefined;
}
