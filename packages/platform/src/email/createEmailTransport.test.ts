import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmailTransport, emailTransportKind } from "./createEmailTransport.js";
import { startFakeSendGrid, type FakeSendGrid } from "./test-support/fakeSendGrid.js";
import { startFakeSmtpServer, type FakeSmtpServer } from "./test-support/fakeSmtpServer.js";

describe("email transport selection", () => {
  it("picks SendGrid (with SMTP behind it when both are set), SMTP, else .eml files", () => {
    expect(emailTransportKind({ SENDGRID_API_KEY: "SG.k", SMTP_URL: "smtp://h" })).toBe("sendgrid+smtp");
    expect(emailTransportKind({ SENDGRID_API_KEY: "SG.k" })).toBe("sendgrid");
    expect(emailTransportKind({ SMTP_URL: "smtp://h" })).toBe("smtp");
    expect(emailTransportKind({})).toBe("file");
  });

  it("writes .eml files when nothing is configured", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "materi-mail-"));
    const mail = createEmailTransport({ EMAIL_FROM: "no-reply@materi.test" }, { dir, logger: { warn: () => undefined } });
    const sent = await mail.send({ to: "ada@example.com", subject: "s", text: "t" });
    expect(await readdir(dir)).toEqual([path.basename(sent.path!)]);
  });
});

describe("SendGrid with SMTP fallback", () => {
  const apiKey = "SG.fallback-key";
  let sendgrid: FakeSendGrid;
  let smtp: FakeSmtpServer;
  const warnings: unknown[] = [];
  beforeAll(async () => {
    sendgrid = await startFakeSendGrid(apiKey);
    smtp = await startFakeSmtpServer();
  });
  afterAll(async () => {
    await sendgrid?.close();
    await smtp?.close();
  });
  const transport = () =>
    createEmailTransport(
      { SENDGRID_API_KEY: apiKey, SMTP_URL: smtp.url, EMAIL_FROM: "Materi <no-reply@materi.test>" },
      { dir: "/nonexistent", logger: { warn: (obj: unknown) => void warnings.push(obj) }, sendgridBaseUrl: sendgrid.baseUrl },
    );

  it("sends through SendGrid while it accepts, touching no SMTP server", async () => {
    sendgrid.answerWith(202);
    const sent = await transport().send({ to: "ada@example.com", subject: "first", text: "t" });
    expect(sent.messageId).toMatch(/^fake-sendgrid-/);
    expect(smtp.messages).toHaveLength(0);
  });

  it("sends over SMTP when SendGrid fails, and says so in the log", async () => {
    sendgrid.answerWith(503);
    const before = sendgrid.requests.length;
    const sent = await transport().send({ to: "ada@example.com", subject: "second", text: "t" });
    expect(sendgrid.requests.length).toBe(before + 1);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!).toMatchObject({ rcptTo: ["ada@example.com"] });
    expect(smtp.messages[0]!.data).toContain(`Message-ID: ${sent.messageId}`);
    expect(warnings).toHaveLength(1);
  });
});
