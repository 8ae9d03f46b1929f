import { runMain } from "@materi/platform";
import { loadShieldConfig, startShield } from "./index.js";

await runMain(async () => startShield(loadShieldConfig(process.env)));
