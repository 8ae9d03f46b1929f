import type { EmailMessage, EmailPort, SentEmail } from "./EmailPort.js";

export interface SmtpTransportOptions {
  /** smtp:// (STARTTLS when the server offers it) or smtps:// (TLS from the start) URL, credentials included. */
  url: string;
  /** From: header, "Name <address>" or an address. */
  from: string;
  /** Longest wait for the connection, the greeting, and any later silence of the server, in ms. Default 10000. */
  timeoutMs?: number;
}

// The part of nodemailer (10.x) this transport uses. nodemailer is imported on first send, so a
// service that never mails (or runs embedded) never loads it.
interface Transporter {
  sendMail(mail: { from: string; to: string; subject: string; text: string }): Promise<{ messageId: string; rejected?: unknown[] }>;
  close(): void;
}
interface Nodemailer {
  createTransport(options: Record<string, unknown>): Transporter;
}

const NODEMAILER = "nodemailer";

let nodemailer: Promise<Nodemailer> | undefined;

function loadNodemailer(): Promise<Nodemailer> {
  nodemailer ??= (import(NODEMAILER) as Promise<Nodemailer>).catch((err: unknown) => {
    throw new Error(`SMTP_URL is set but ${NODEMAILER} cannot be loaded`, { cause: err });
  });
  return nodemailer;
}

/** An SMTP transport that can also let go of its connections (shutdown, tests). */
export interface SmtpEmailPort extends EmailPort {
  close(): void;
}

/** Mail over SMTP with nodemailer: one connection per message, as nodemailer does by default. */
export function createSmtpTransport(options: SmtpTransportOptions): SmtpEmailPort {
  const timeoutMs = options.timeoutMs ?? 10_000;
  // Created on first send, so a missing nodemailer fails that send rather than rejecting unobserved.
  let transporter: Promise<Transporter> | undefined;
  const ready = () =>
    (transporter ??= loadNodemailer().then((mailer) =>
      mailer.createTransport({ url: options.url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs }),
    ));
  return {
    async send(message: EmailMessage): Promise<SentEmail> {
      const info = await (await ready()).sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text });
      // nodemailer resolves when the server accepted the message for at least one recipient; ours has one.
      if ((info.rejected?.length ?? 0) > 0) throw new Error(`SMTP server refused the recipient ${message.to}`);
      return { messageId: info.messageId };
    },
    close() {
      // Nothing to close when nothing was sent; a failed load has nothing to close either.
      void transporter?.then((t) => t.close()).catch(() => undefined);
    },
  };
}
