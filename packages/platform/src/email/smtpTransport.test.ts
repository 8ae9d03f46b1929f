import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSmtpTransport } from "./smtpTransport.js";
import { startFakeSmtpServer, type FakeSmtpServer } from "./test-support/fakeSmtpServer.js";

/** The body of a received RFC 5322 message, decoded from whatever transfer encoding nodemailer chose. */
function bodyOf(data: string): string {
  const [head, ...rest] = data.split("\r\n\r\n");
  const body = rest.join("\r\n\r\n");
  if (/content-transfer-encoding: base64/i.test(head!)) return Buffer.from(body.replace(/\r\n/g, ""), "base64").toString("utf8");
  if (/content-transfer-encoding: quoted-printable/i.test(head!)) {
    const bytes = body.replace(/=\r\n/g, "").replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, "latin1").toString("utf8").replace(/\r\n$/, "");
  }
  return body.replace(/\r\n$/, "").replace(/\r\n/g, "\n");
}

// nodemailer (the real library) against a local SMTP listener.
describe("SMTP transport", () => {
  let server: FakeSmtpServer;
  beforeAll(async () => {
    server = await startFakeSmtpServer();
  });
  afterAll(async () => server?.close());

  it("authenticates and delivers the message with its envelope, headers and UTF-8 text", async () => {
    const mail = createSmtpTransport({ url: server.url, from: "Materi <no-reply@materi.test>" });
    try {
      const sent = await mail.send({ to: "ada@example.com", subject: "Réinitialiser", text: "Bonjour Ada,\nvoici le lien." });
      expect(sent.messageId).toMatch(/^<.+@.+>$/);
      const received = server.messages.at(-1)!;
      expect(received).toMatchObject({ mailFrom: "no-reply@materi.test", rcptTo: ["ada@example.com"], user: "mailer" });
      expect(received.data).toMatch(/^To: ada@example\.com$/m);
      expect(received.data).toMatch(/^From: Materi <no-reply@materi\.test>$/m);
      expect(received.data).toContain(`Message-ID: ${sent.messageId}`);
      expect(received.data).toMatch(/^Subject: =\?UTF-8\?/m);
      expect(bodyOf(received.data)).toBe("Bonjour Ada,\nvoici le lien.");
    } finally {
      mail.close();
    }
  });

  it("fails when the server refuses the recipient, and when no server listens", async () => {
    const refusing = await startFakeSmtpServer({ refuse: true });
    const mail = createSmtpTransport({ url: refusing.url, from: "no-reply@materi.test" });
    try {
      await expect(mail.send({ to: "nobody@example.com", subject: "s", text: "t" })).rejects.toThrow(/550/);
    } finally {
      mail.close();
      await refusing.close();
    }
    const nowhere = createSmtpTransport({ url: "smtp://127.0.0.1:1", from: "no-reply@materi.test", timeoutMs: 2_000 });
    await expect(nowhere.send({ to: "ada@example.com", subject: "s", text: "t" })).rejects.toThrow(/ECONNREFUSED/);
  });
});
