import { parseArgs } from "node:util";
import type { DeadLetter } from "../dlq/deadLetterEntry.js";
import {
  DeadLetterNotFoundError,
  listDeadLetters,
  purgeDeadLetters,
  replayAllDeadLetters,
  replayDeadLetter,
  type ListDeadLettersOptions,
} from "../dlq/deadLetters.js";
import { DLQ_STREAM } from "../streams.js";
import type { EventTransport } from "../transports/EventTransport.js";

export const USAGE = `usage: npm run events -- dlq <command> [options]

  dlq list [--count N] [--after ID] [--json]   show dead letters, oldest first (default 100)
  dlq replay <id>                              put one back on its original stream, then delete it
  dlq replay --all                             replay every dead letter present now
  dlq purge                                    delete every dead letter present now

  --dlq STREAM    dead-letter stream to use (default ${DLQ_STREAM})
  REDIS_URL must name the Redis holding the streams.`;

export interface CliIo {
  transport: EventTransport;
  /** Writes one line of output (stdout). */
  out: (line: string) => void;
  /** Writes one line of diagnostics (stderr). */
  err: (line: string) => void;
}

/** Exit codes: 0 done, 1 the command failed, 2 the command line was wrong. */
export async function runEventsCli(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        all: { type: "boolean" },
        json: { type: "boolean" },
        count: { type: "string" },
        after: { type: "string" },
        dlq: { type: "string" },
      },
    });
  } catch (err) {
    return usageError(io, err instanceof Error ? err.message : String(err));
  }
  const [area, command, id, ...extra] = parsed.positionals;
  if (area !== "dlq" || extra.length > 0) return usageError(io, `unknown command: ${parsed.positionals.join(" ") || "(none)"}`);
  const dlq = { deadLetterStream: parsed.values.dlq ?? DLQ_STREAM };
  try {
    switch (command) {
      case "list":
        return await list(io, { ...dlq, count: Number(parsed.values.count ?? 100), after: parsed.values.after }, parsed.values.json);
      case "replay":
        if (parsed.values.all === true && id === undefined) return await replayAll(io, dlq);
        if (id !== undefined && parsed.values.all !== true) return await replayOne(io, id, dlq);
        return usageError(io, "dlq replay takes one dead-letter id or --all");
      case "purge":
        io.out(`purged ${await purgeDeadLetters(io.transport, dlq)} dead letters from ${dlq.deadLetterStream}`);
        return 0;
      default:
        return usageError(io, `unknown dlq command: ${command ?? "(none)"}`);
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    io.err(err instanceof DeadLetterNotFoundError ? reason : `dlq ${command} failed: ${reason}`);
    return 1;
  }
}

type ListOptions = ListDeadLettersOptions & { deadLetterStream: string; count: number };

async function list(io: CliIo, options: ListOptions, json = false): Promise<number> {
  if (!Number.isInteger(options.count) || options.count <= 0) return usageError(io, "--count must be a positive integer");
  const letters = await listDeadLetters(io.transport, options);
  for (const letter of letters) io.out(json ? JSON.stringify(asJson(letter)) : asLine(letter));
  if (!json) io.out(`${letters.length} dead letter(s) in ${options.deadLetterStream}`);
  return 0;
}

async function replayOne(io: CliIo, id: string, options: { deadLetterStream: string }): Promise<number> {
  const result = await replayDeadLetter(io.transport, id, options);
  io.out(`replayed ${result.deadLetterId} -> ${result.stream} ${result.newId}`);
  return 0;
}

async function replayAll(io: CliIo, options: { deadLetterStream: string }): Promise<number> {
  const { replayed, skipped } = await replayAllDeadLetters(io.transport, options);
  for (const r of replayed) io.out(`replayed ${r.deadLetterId} -> ${r.stream} ${r.newId}`);
  for (const s of skipped) io.err(`skipped ${s.id}: no envelope to replay (purge it)`);
  io.out(`replayed ${replayed.length}, skipped ${skipped.length}`);
  return 0;
}

function asLine(l: DeadLetter): string {
  const where = `${l.stream} ${l.originalId}  ${l.eventType || "-"}`;
  return `${l.id}  ${where}  group=${l.group} attempts=${l.attempts} failed_at=${l.failedAt}  error=${l.error}`;
}

function asJson(l: DeadLetter): Record<string, unknown> {
  return { ...l, envelope: l.envelope?.toString("base64") ?? null };
}

function usageError(io: CliIo, message: string): number {
  io.err(message);
  io.err(USAGE);
  return 2;
}
