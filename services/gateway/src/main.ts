import { runMain, setAsyncContextOnDemand } from "@materi/platform";
import { loadGatewayConfig, startGateway } from "./index.js";

await runMain(async () => {
  const config = loadGatewayConfig(process.env);
  // Alone in its process and without per-request spans, the gateway serves no request inside an
  // async context: AsyncLocalStorage's per-resource hooks stay off between its rare event handlers
  // (platform context/onDemandContext.ts). Never in the all-in-one launcher, whose other services need them.
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT === undefined) setAsyncContextOnDemand(true);
  return startGateway(config);
});
