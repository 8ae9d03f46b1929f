#!/usr/bin/env node
// `npm run events -- dlq list|replay <id|--all>|purge` (root package.json: "events": "node packages/events/dist/cli/events.js").
import { createRedisTransport } from "../transports/redis.js";
import { CliConfigError, loadCliConfig } from "./config.js";
import { runEventsCli, USAGE } from "./dlqCommands.js";

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  let redisUrl: string;
  try {
    redisUrl = loadCliConfig().redisUrl;
  } catch (err) {
    if (!(err instanceof CliConfigError)) throw err;
    console.error(err.message);
    return 2;
  }
  const transport = createRedisTransport({ url: redisUrl, connectionName: "materi-events-cli" });
  try {
    return await runEventsCli(argv, {
      transport,
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
  } finally {
    await transport.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
