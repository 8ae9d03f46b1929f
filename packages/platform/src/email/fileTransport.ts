import { randomUUID } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { EmailMessage, EmailPort, SentEmail } from "./EmailPort.js";

export interface FileEmailTransportOptions {
  /** Directory the .eml files go to, e.g. `<MATERI_DATA_DIR>/mail` (see mailDirOf). Created if missing. */
  dir: string;
  /** From: header. Default "Materi <no-reply@materi.local>". */
  from?: string;
}

/** `<data dir>/mail`, where embedded mode leaves its mail. */
export function mailDirOf(dataDir: string): string {
  return path.join(dataDir, "mail");
}

/**
 * The embedded email transport: each message becomes one RFC 5322 `.eml` file, readable by any
 * mail client. Written to a temporary name and renamed, so a reader never sees half a message.
 */
export function createFileEmailTransport(options: FileEmailTransportOptions): EmailPort {
  const from = options.from ?? "Materi <no-reply@materi.local>";
  return {
    async send(message: EmailMessage): Promise<SentEmail> {
      const id = randomUUID();
      const messageId = `<${id}@materi.local>`;
      await mkdir(options.dir, { recursive: true });
      const file = path.join(options.dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${id}.eml`);
      await writeFile(`${file}.tmp`, formatEml({ ...message, from, messageId }), { mode: 0o600 });
      await rename(`${file}.tmp`, file);
      return { messageId, path: file };
    },
  };
}

/** RFC 5322 text of a message: CRLF lines, RFC 2047 encoded subject, UTF-8 body in base64 (RFC 2045). */
export function formatEml(message: EmailMessage & { from: string; messageId: string; date?: Date }): string {
  for (const value of [message.to, message.from, message.subject]) {
    // A CR or LF in a header value would let it inject headers of its own.
    if (/[\r\n]/.test(value)) throw new Error("email header values must not contain line breaks");
  }
  const headers = [
    `From: ${message.from}`,
    `To: ${message.to}`,
    `Subject: ${encodeHeader(message.subject)}`,
    `Date: ${(message.date ?? new Date()).toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: ${message.messageId}`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: base64",
  ];
  const body = Buffer.from(message.text, "utf8").toString("base64").replace(/.{1,76}/g, "$&\r\n");
  return `${headers.join("\r\n")}\r\n\r\n${body}`;
}

function encodeHeader(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=`;
}
