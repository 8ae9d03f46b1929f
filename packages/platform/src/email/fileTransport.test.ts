import { mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createFileEmailTransport, formatEml, mailDirOf } from "./fileTransport.js";

describe("file email transport", () => {
  it("writes one RFC 5322 .eml per message under <data dir>/mail", async () => {
    const dir = mailDirOf(await mkdtemp(path.join(tmpdir(), "materi-mail-")));
    const mail = createFileEmailTransport({ dir });
    const sent = await mail.send({ to: "ada@example.com", subject: "Réinitialiser", text: "Bonjour Ada,\nvoici le lien." });
    expect(await readdir(dir)).toEqual([path.basename(sent.path!)]);
    const eml = await readFile(sent.path!, "utf8");
    const [head, body] = eml.split("\r\n\r\n");
    expect(head).toContain("To: ada@example.com");
    expect(head).toContain(`Message-ID: ${sent.messageId}`);
    expect(head).toContain(`Subject: =?UTF-8?B?${Buffer.from("Réinitialiser").toString("base64")}?=`);
    expect(Buffer.from(body!.replace(/\r\n/g, ""), "base64").toString("utf8")).toBe("Bonjour Ada,\nvoici le lien.");
  });

  it("refuses header injection", () => {
    expect(() => formatEml({ to: "a@b.c\r\nBcc: x@y.z", subject: "s", text: "t", from: "f@g.h", messageId: "<1@x>" })).toThrow(/line breaks/);
  });
});
