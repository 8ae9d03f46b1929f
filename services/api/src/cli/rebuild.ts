import { createDocStore } from "@materi/docstore";
import { createRedisTransport, type EventTransport } from "@materi/events";
import { createDatabase, createLogger, dataDirOf, type Database } from "@materi/platform";
import { loadApiConfig, type ApiConfig } from "../config.js";
import { rebuildActivity } from "../readModels/activity/activityRebuilder.js";
import { rebuildSearchIndex } from "../readModels/searchIndexRebuilder.js";

// `npm run rebuild -- read-models [--from-log-only]`: rebuilds the api's read models from their
// sources (issue 6, "Consistency"): the activity model from the retained event streams, the
// search index from the docstore. Configured by the same environment as the service. Prints one
// JSON line per model; exits 1 when a model could not be rebuilt, 2 on a usage or config error.

const USAGE = "usage: npm run rebuild -- read-models [--from-log-only]";

async function main(argv: readonly string[]): Promise<number> {
  const [target, ...flags] = argv;
  const unknown = flags.filter((flag) => flag !== "--from-log-only");
  if (target !== "read-models" || unknown.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const config = loadApiConfig(process.env);
  if (!config.DATABASE_URL) {
    console.error(`DATABASE_URL is not set; the embedded database (${dataDirOf(config)}) belongs to the running service: stop it first, or set DATABASE_URL.`);
    return 2;
  }
  const db = createDatabase({ url: config.DATABASE_URL, poolSize: 2, applicationName: "materi-api-rebuild" });
  const transport = config.REDIS_URL ? createRedisTransport({ url: config.REDIS_URL, connectionName: "materi-api-rebuild" }) : undefined;
  try {
    return await rebuild(config, db, transport, flags.includes("--from-log-only"));
  } finally {
    await transport?.close();
    await db.close();
  }
}

async function rebuild(config: ApiConfig, db: Database, transport: EventTransport | undefined, fromLogOnly: boolean): Promise<number> {
  const activity = await rebuildActivity({ db, transport, fromLogOnly });
  console.log(JSON.stringify({ model: "activity", ...activity }));
  const logger = createLogger({ service: "api-rebuild", level: "warn" });
  const docs = createDocStore({ db, logger, ...(config.REDIS_URL ? { redisUrl: config.REDIS_URL } : {}) });
  try {
    const search = await rebuildSearchIndex({ db, docs });
    console.log(JSON.stringify({ model: "search_index", ...search }));
    if (search.failed.length > 0) {
      console.error(`rebuild: ${search.failed.length} document(s) could not be read from the docstore; their search text is unchanged.`);
      return 1;
    }
  } finally {
    await docs.channel.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`rebuild failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
