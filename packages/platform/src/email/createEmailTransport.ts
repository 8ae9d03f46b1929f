import type { Logger } from "pino";
import type { EmailConfig } from "./emailConfig.js";
import type { EmailMessage, EmailPort, SentEmail } from "./EmailPort.js";
import { createFileEmailTransport } from "./fileTransport.js";
import { createSendGridTransport } from "./sendgridTransport.js";
import { createSmtpTransport } from "./smtpTransport.js";

export interface CreateEmailTransportOptions {
  /** Where .eml files go when neither SendGrid nor SMTP is configured, e.g. mailDirOf(dataDir). */
  dir: string;
  logger: Pick<Logger, "warn">;
  /** SendGrid API base URL; default the SDK's. For tests and EU-resident accounts. */
  sendgridBaseUrl?: string;
  /** Timeout of one SendGrid call or SMTP exchange step, in ms. Default 10000. */
  timeoutMs?: number;
}

/** Which transport a configuration picks (for logs and tests). */
export type EmailTransportKind = "sendgrid+smtp" | "sendgrid" | "smtp" | "file";

export function emailTransportKind(config: Pick<EmailConfig, "SENDGRID_API_KEY" | "SMTP_URL">): EmailTransportKind {
  if (config.SENDGRID_API_KEY) return config.SMTP_URL ? "sendgrid+smtp" : "sendgrid";
  return config.SMTP_URL ? "smtp" : "file";
}

/**
 * The email port a configuration asks for (ARCHITECTURE.md): SendGrid when SENDGRID_API_KEY is set,
 * falling back to SMTP for a message SendGrid failed to take when SMTP_URL is set too; SMTP alone
 * when only SMTP_URL is set; else .eml files under the data dir.
 */
export function createEmailTransport(config: EmailConfig, options: CreateEmailTransportOptions): EmailPort {
  const timeouts = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  const smtp = config.SMTP_URL ? createSmtpTransport({ url: config.SMTP_URL, from: config.EMAIL_FROM, ...timeouts }) : undefined;
  if (!config.SENDGRID_API_KEY) return smtp ?? createFileEmailTransport({ dir: options.dir, from: config.EMAIL_FROM });
  const sendgrid = createSendGridTransport({
    apiKey: config.SENDGRID_API_KEY,
    from: config.EMAIL_FROM,
    ...timeouts,
    ...(options.sendgridBaseUrl === undefined ? {} : { baseUrl: options.sendgridBaseUrl }),
  });
  return smtp ? withFallback(sendgrid, smtp, options.logger) : sendgrid;
}

/**
 * Sends through `primary`; when it fails, through `fallback`, and the primary's failure is logged.
 * Any failure counts (SendGrid down, rate-limited, key revoked): the message matters more than the
 * route it takes. If both fail, the caller gets the fallback's error with the primary's as cause.
 */
export function withFallback(primary: EmailPort, fallback: EmailPort, logger: Pick<Logger, "warn">): EmailPort {
  return {
    async send(message: EmailMessage): Promise<SentEmail> {
      try {
        return await primary.send(message);
      } catch (primaryErr) {
        logger.warn({ err: primaryErr }, "SendGrid could not send the message; sending it over SMTP instead");
        try {
          return await fallback.send(message);
        } catch (fallbackErr) {
          throw new Error(`email not sent: SendGrid and SMTP both failed (${describe(fallbackErr)})`, { cause: { primary: primaryErr, fallback: fallbackErr } });
        }
      }
    },
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
