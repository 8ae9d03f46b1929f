/** One plain-text message. */
export interface EmailMessage {
  /** Recipient address, e.g. "ada@example.com". */
  to: string;
  subject: string;
  /** Plain-text body (UTF-8). */
  text: string;
}

/** Where a sent message went: the transport's id for it (a file path, a provider message id). */
export interface SentEmail {
  messageId: string;
  /** For the file transport: the .eml file written. */
  path?: string;
}

/**
 * Sending mail, whatever carries it (ARCHITECTURE.md: SendGrid, SMTP fallback, .eml files when
 * nothing is configured). Services depend on this interface, never on a provider.
 */
export interface EmailPort {
  send(message: EmailMessage): Promise<SentEmail>;
}
