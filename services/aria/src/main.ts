import { runMain } from "@materi/platform";
import { loadAriaConfig, startAria } from "./index.js";

await runMain(async () => startAria(loadAriaConfig(process.env)));
