import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSendGridTransport, SendGridError } from "./sendgridTransport.js";
import { startFakeSendGrid, type FakeSendGrid } from "./test-support/fakeSendGrid.js";

// The real SDK (@sendgrid/mail) against a local fake of SendGrid's v3 /v3/mail/send.
describe("SendGrid transport", () => {
  const apiKey = "SG.test-key.0123456789";
  let fake: FakeSendGrid;
  beforeAll(async () => {
    fake = await startFakeSendGrid(apiKey);
  });
  afterAll(async () => fake?.close());

  it("sends a v3 mail/send request with the key, sender, recipient and text, and returns SendGrid's message id", async () => {
    fake.answerWith(202);
    const mail = createSendGridTransport({ apiKey, from: "Materi <no-reply@materi.test>", baseUrl: fake.baseUrl });
    const sent = await mail.send({ to: "ada@example.com", subject: "Réinitialiser", text: "Bonjour Ada,\nvoici le lien." });
    expect(sent.messageId).toMatch(/^fake-sendgrid-\d+$/);
    const request = fake.requests.at(-1)!;
    expect(request.authorization).toBe(`Bearer ${apiKey}`);
    expect(request.body.personalizations).toEqual([{ to: [{ email: "ada@example.com" }] }]);
    expect(request.body.from).toEqual({ email: "no-reply@materi.test", name: "Materi" });
    expect(request.body.subject).toBe("Réinitialiser");
    expect(request.body.content).toEqual([{ type: "text/plain", value: "Bonjour Ada,\nvoici le lien." }]);
  });

  it("turns SendGrid's error answers into a SendGridError with the status and SendGrid's message", async () => {
    fake.answerWith(202);
    const wrongKey = createSendGridTransport({ apiKey: "SG.revoked", from: "no-reply@materi.test", baseUrl: fake.baseUrl });
    const refused = await wrongKey.send({ to: "ada@example.com", subject: "s", text: "t" }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(SendGridError);
    expect(refused).toMatchObject({ status: 401, message: expect.stringMatching(/401.*authorization grant is invalid/) });

    fake.answerWith(500);
    const mail = createSendGridTransport({ apiKey, from: "no-reply@materi.test", baseUrl: fake.baseUrl });
    await expect(mail.send({ to: "ada@example.com", subject: "s", text: "t" })).rejects.toMatchObject({ status: 500 });
  });

  it("says SendGrid is unreachable when nothing answers", async () => {
    const mail = createSendGridTransport({ apiKey, from: "no-reply@materi.test", baseUrl: "http://127.0.0.1:1/", timeoutMs: 2_000 });
    await expect(mail.send({ to: "ada@example.com", subject: "s", text: "t" })).rejects.toMatchObject({ status: undefined, message: expect.stringMatching(/unreachable/) });
  });
});
