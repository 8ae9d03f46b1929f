import { runMain } from "@materi/platform";
import { loadRelayConfig, startRelay } from "./index.js";

await runMain(async () => startRelay(loadRelayConfig(process.env)));
