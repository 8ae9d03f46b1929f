import { runMain } from "@materi/platform";
import { loadGatewayConfig, startGateway } from "./index.js";

await runMain(async () => startGateway(loadGatewayConfig(process.env)));
