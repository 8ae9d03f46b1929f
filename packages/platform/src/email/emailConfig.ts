import { z } from "zod";

/**
 * The environment variables that choose how a service sends mail (ARCHITECTURE.md: SendGrid, SMTP
 * fallback, .eml files under the data dir when nothing is configured). Spread into a service's
 * config schema; createEmailTransport reads the parsed values.
 */
export const emailConfigShape = {
  /** SendGrid API key ("SG...."). When set, mail goes through SendGrid's v3 API. Default unset. */
  SENDGRID_API_KEY: z.string().min(1).optional(),
  /**
   * SMTP server as a URL, e.g. "smtps://user:pass@smtp.example.com:465" or "smtp://relay:587"
   * (STARTTLS when offered). Alone: mail goes over SMTP. With SENDGRID_API_KEY: the fallback when
   * SendGrid fails. Default unset.
   */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/i, "SMTP_URL must be an smtp:// or smtps:// URL")
    .optional(),
  /** From: of outgoing mail, "Name <address>" or an address. Default "Materi <no-reply@materi.local>". */
  EMAIL_FROM: z.string().min(3).default("Materi <no-reply@materi.local>"),
};

/** The parsed email settings. */
export interface EmailConfig {
  SENDGRID_API_KEY?: string | undefined;
  SMTP_URL?: string | undefined;
  EMAIL_FROM: string;
}
