import { createServer, type IncomingMessage, type Server } from "node:http";

/** One request the fake took on POST /v3/mail/send. */
export interface SendGridRequest {
  authorization: string | undefined;
  body: {
    personalizations: Array<{ to: Array<{ email: string; name?: string }> }>;
    from: { email: string; name?: string };
    subject: string;
    content: Array<{ type: string; value: string }>;
  };
}

export interface FakeSendGrid {
  /** Base URL to hand the SDK, e.g. http://127.0.0.1:1234/ */
  baseUrl: string;
  requests: SendGridRequest[];
  /** Status the next answers carry: 202 (accepted, the default), or an error SendGrid gives. */
  answerWith(status: number): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for SendGrid's v3 Mail Send API, as far as the SDK exercises it: POST
 * /v3/mail/send with a Bearer key and a JSON body; 202 with an X-Message-Id header and no body
 * when accepted; errors as `{ "errors": [{ "message", "field", "help" }] }`.
 */
export async function startFakeSendGrid(apiKey: string): Promise<FakeSendGrid> {
  const requests: SendGridRequest[] = [];
  let status = 202;
  let counter = 0;
  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const fail = (code: number, message: string) => {
        res.writeHead(code, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ message, field: null, help: null }] }));
      };
      if (req.method !== "POST" || req.url !== "/v3/mail/send") return fail(404, `no route ${req.method} ${req.url}`);
      if (req.headers.authorization !== `Bearer ${apiKey}`) return fail(401, "The provided authorization grant is invalid, expired, or revoked");
      if (!/^application\/json/.test(req.headers["content-type"] ?? "")) return fail(415, "content type must be application/json");
      requests.push({ authorization: req.headers.authorization, body: JSON.parse(raw) as SendGridRequest["body"] });
      if (status !== 202) return fail(status, status === 429 ? "too many requests" : "internal error");
      counter += 1;
      res.writeHead(202, { "x-message-id": `fake-sendgrid-${counter}` });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    requests,
    answerWith: (next) => {
      status = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
