import type { EmailMessage, EmailPort, SentEmail } from "./EmailPort.js";

export interface SendGridTransportOptions {
  /** SendGrid API key. */
  apiKey: string;
  /** From: header, "Name <address>" or an address; must be a sender verified in SendGrid. */
  from: string;
  /**
   * API base URL. Default: the SDK's, https://api.sendgrid.com/ (EU accounts:
   * https://api.eu.sendgrid.com/). Tests point it at a local fake of /v3/mail/send.
   */
  baseUrl?: string;
  /** Timeout of one API call, in ms. Default 10000. */
  timeoutMs?: number;
}

// The parts of the official SDK (@sendgrid/mail, @sendgrid/client 8.x) this transport uses. The
// SDK is imported on first send, so a service that never mails (or runs embedded) never loads it
// nor axios under it; these types stand in for the SDK's own, which only exist once it is installed.
interface SendGridClient {
  setApiKey(apiKey: string): void;
  setDefaultRequest(key: string, value: unknown): unknown;
}
interface SendGridMailService {
  setClient(client: SendGridClient): unknown;
  setTimeout(timeoutMs: number): void;
  send(data: { to: string; from: string; subject: string; text: string }): Promise<[{ statusCode: number; headers: Record<string, unknown> }, unknown]>;
}
interface SendGridModules {
  MailService: new () => SendGridMailService;
  Client: new () => SendGridClient;
}

const MAIL_MODULE = "@sendgrid/mail";
const CLIENT_MODULE = "@sendgrid/client";

let modules: Promise<SendGridModules> | undefined;

/** Both SDK packages are CommonJS: their classes hang off module.exports, i.e. the default export. */
function loadSdk(): Promise<SendGridModules> {
  modules ??= Promise.all([import(MAIL_MODULE), import(CLIENT_MODULE)]).then(
    ([mail, client]) => ({
      MailService: ((mail as { default?: { MailService?: unknown } }).default?.MailService ?? (mail as { MailService?: unknown }).MailService) as SendGridModules["MailService"],
      Client: ((client as { default?: { Client?: unknown } }).default?.Client ?? (client as { Client?: unknown }).Client) as SendGridModules["Client"],
    }),
    (err: unknown) => {
      throw new Error(`SENDGRID_API_KEY is set but the SendGrid SDK cannot be loaded (${MAIL_MODULE}, ${CLIENT_MODULE})`, { cause: err });
    },
  );
  return modules;
}

/** A SendGrid API failure, with the status and SendGrid's own error messages when it answered. */
export class SendGridError extends Error {
  constructor(
    message: string,
    /** HTTP status SendGrid answered, undefined when it could not be reached. */
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SendGridError";
  }
}

/**
 * Mail through SendGrid's v3 Mail Send API with the official SDK. Each transport has its own SDK
 * client (not the SDK's process-wide singleton), so two configurations never share a key or URL.
 */
export function createSendGridTransport(options: SendGridTransportOptions): EmailPort {
  // Built on first send: a missing SDK then fails that send (and the SMTP fallback takes over)
  // instead of rejecting unobserved at start.
  let service: Promise<SendGridMailService> | undefined;
  const ready = () =>
    (service ??= loadSdk().then(({ MailService, Client }) => {
      const client = new Client();
      client.setApiKey(options.apiKey);
      // After setApiKey, which resets the base URL to the SDK's default region.
      if (options.baseUrl !== undefined) client.setDefaultRequest("baseUrl", options.baseUrl);
      const mail = new MailService();
      mail.setClient(client);
      mail.setTimeout(options.timeoutMs ?? 10_000);
      return mail;
    }));
  return {
    async send(message: EmailMessage): Promise<SentEmail> {
      const mail = await ready();
      try {
        const [response] = await mail.send({ to: message.to, from: options.from, subject: message.subject, text: message.text });
        const id = response.headers["x-message-id"];
        return { messageId: typeof id === "string" ? id : `sendgrid-${response.statusCode}` };
      } catch (err) {
        throw toSendGridError(err);
      }
    },
  };
}

/** The SDK's ResponseError carries `code` (the status) and SendGrid's `{ errors: [{ message }] }` body. */
function toSendGridError(err: unknown): SendGridError {
  const failure = err as { code?: unknown; response?: { body?: { errors?: Array<{ message?: string }> } } } | null;
  const status = typeof failure?.code === "number" ? failure.code : undefined;
  const reasons = (failure?.response?.body?.errors ?? []).map((e) => e.message).filter((m): m is string => typeof m === "string");
  // Without an answer, axios's error may carry only a code (ECONNREFUSED, ECONNABORTED on timeout).
  const fallbackDetail = err instanceof Error ? err.message || String((err as { code?: unknown }).code ?? err.name) : String(err);
  const detail = reasons.length > 0 ? reasons.join("; ") : fallbackDetail;
  const message = status === undefined ? `SendGrid unreachable: ${detail}` : `SendGrid answered ${status}: ${detail}`;
  return new SendGridError(message, status, { cause: err });
}
