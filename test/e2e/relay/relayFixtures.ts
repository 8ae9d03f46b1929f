import { generateKeyPair, exportJWK, SignJWT, type CryptoKey } from "jose";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, connect, type Socket } from "node:net";
import { randomUUID } from "node:crypto";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import pg from "pg";
import WebSocket from "ws";
import { sql } from "../api/documentFixtures.js";
import type { ApiStack } from "../api/stack.js";

/** Rows of the docstore log for one document. */
export async function logRows(stack: Pick<ApiStack, "database">, documentId: string): Promise<number> {
  const rows = await sql<{ n: string }>(stack, "select count(*)::text as n from docstore.updates where document_id = $1", [documentId]);
  return Number(rows[0]?.n ?? 0);
}

/**
 * An append whose announcement never went out (a lost fan-out message): `update` written straight
 * to the docstore log in one transaction with its head bump, as the docstore writes it.
 */
export async function appendUnannounced(stack: Pick<ApiStack, "database">, documentId: string, update: Uint8Array): Promise<void> {
  const db = new pg.Client({ connectionString: stack.database.url });
  await db.connect();
  try {
    await db.query("begin");
    const head = await db.query<{ seq: string }>(
      "insert into docstore.heads (document_id, seq) values ($1, 1) on conflict (document_id) do update set seq = docstore.heads.seq + 1 returning seq::text",
      [documentId],
    );
    await db.query("insert into docstore.updates (document_id, seq, update, origin) values ($1, $2, $3, 'system')", [documentId, head.rows[0]!.seq, Buffer.from(update)]);
    await db.query("commit");
  } finally {
    await db.end();
  }
}

/** A hocuspocus frame: the address (document id), then what `body` writes. */
function frame(documentId: string, body: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarString(encoder, documentId);
  body(encoder);
  return encoding.toUint8Array(encoder);
}

/** Auth (2), token (0), the token. */
export const authFrame = (documentId: string, token: string): Uint8Array =>
  frame(documentId, (e) => {
    encoding.writeVarUint(e, 2);
    encoding.writeVarUint(e, 0);
    encoding.writeVarString(e, token);
  });

/** Sync (0), update (2), the update bytes. */
export const updateFrame = (documentId: string, update: Uint8Array): Uint8Array =>
  frame(documentId, (e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 2);
    encoding.writeVarUint8Array(e, update);
  });

/** Whether a server frame is a SyncStatus (8): the acknowledgement of an update. */
export function isSyncStatus(message: Uint8Array): boolean {
  try {
    const decoder = decoding.createDecoder(message);
    decoding.readVarString(decoder);
    return decoding.readVarUint(decoder) === 8;
  } catch {
    return false;
  }
}

/** A raw `ws` socket to `url`, open; `closed` resolves with the close code. */
export async function rawSocket(url: string): Promise<{ ws: WebSocket; closed: Promise<number>; messages: Uint8Array[] }> {
  const ws = new WebSocket(url);
  const messages: Uint8Array[] = [];
  ws.on("message", (data: Buffer) => messages.push(new Uint8Array(data)));
  ws.on("error", () => undefined);
  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return { ws, closed, messages };
}

/** A JWKS endpoint serving one ES256 key, and tokens signed with it (any `exp`). */
export interface TestIssuer {
  jwksUrl: string;
  token(sub: string, opts: { expiresInS: number }): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair("ES256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "ES256", use: "sig" };
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
    token: (sub, opts) => sign(privateKey, sub, opts.expiresInS),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function sign(key: CryptoKey, sub: string, expiresInS: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: "" })
    .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: "test-key" })
    .setIssuer("materi")
    .setAudience("materi")
    .setSubject(sub)
    .setJti(randomUUID())
    .setIssuedAt(now - 120)
    .setExpirationTime(now + expiresInS)
    .sign(key);
}

/** A TCP proxy to `target` (http://host:port) that can be cut: close() drops every connection and stops listening. */
export async function startTcpProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createTcpServer((inbound) => {
    const outbound = connect(Number(port), hostname);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => sockets.delete(s));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
