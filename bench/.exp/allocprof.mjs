import { Session } from "node:inspector/promises";
import fs from "node:fs";
const session = new Session(); session.connect();
await import("../../services/gateway/dist/main.js");
setTimeout(async () => {
  await session.post("HeapProfiler.startSampling", { samplingInterval: 1024, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true });
  setTimeout(async () => {
    const { profile } = await session.post("HeapProfiler.stopSampling");
    fs.writeFileSync("/tmp/alloc.heapprofile", JSON.stringify(profile));
    process.stderr.write("alloc profile written\n");
  }, 5000);
}, 4000);
