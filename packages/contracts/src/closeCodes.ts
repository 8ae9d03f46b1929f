/**
 * WebSocket close codes Materi's relay uses, named so clients and servers agree
 * (4000-4999 is the application range, RFC 6455 section 7.4.2).
 */
export const CloseCodes = {
  /** The token was missing, invalid or expired. */
  Unauthorized: 4401,
  /** The user may not open this document. */
  Forbidden: 4403,
  /** The document does not exist. */
  NotFound: 4404,
  /** A frame or update was malformed. */
  BadMessage: 4400,
  /** The connection sent too much, too fast. */
  RateLimited: 4429,
  /** A frame exceeded the size limit. */
  MessageTooBig: 1009,
} as const;

export type CloseCode = (typeof CloseCodes)[keyof typeof CloseCodes];
