// Preloaded (`node --expose-gc --import <this file> server.js`) into every server of bench/relay.ts, the
// same way for all three: SIGUSR2 runs a full garbage collection and writes process.memoryUsage() to
// $TMPDIR/materi-bench-memory-<pid>.json, so the bench reads memory without the garbage each server
// happens to carry at that moment.
import { renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";

process.on("SIGUSR2", () => {
  globalThis.gc?.();
  const file = `${tmpdir()}/materi-bench-memory-${process.pid}.json`;
  // Written aside, then renamed: the bench never reads half a file.
  writeFileSync(`${file}.tmp`, JSON.stringify(process.memoryUsage()));
  renameSync(`${file}.tmp`, file);
});
