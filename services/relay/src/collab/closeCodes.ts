import type WebSocket from "ws";

/**
 * WebSocket close codes the relay uses (4000-4999 are the application's). The provider reports
 * them in its "close" event; 4401/4403 mirror HTTP 401/403 as hocuspocus' own codes do.
 */
export const CloseCodes = {
  unauthorized: { code: 4401, reason: "Unauthorized" },
  forbidden: { code: 4403, reason: "Forbidden" },
  malformed: { code: 4400, reason: "Malformed message" },
  documentTooLarge: { code: 4413, reason: "Document too large" },
  rateLimited: { code: 4429, reason: "Too many messages" },
  unavailable: { code: 4503, reason: "Permissions unavailable" },
  storageUnavailable: { code: 4500, reason: "Storage unavailable" },
} as const;

export type CloseCode = (typeof CloseCodes)[keyof typeof CloseCodes];

/** An error hocuspocus turns into a close of that document's connection; the relay also closes the socket. */
export class CloseError extends Error {
  readonly code: number;
  readonly reason: string;
  constructor(close: CloseCode, detail?: string) {
    super(detail ?? close.reason);
    this.code = close.code;
    this.reason = close.reason;
  }
}

/** Closes the socket after what was queued on it (a permission-denied message) has gone out. */
export function closeSocket(socket: WebSocket, close: CloseCode): void {
  if (socket.readyState === socket.CLOSING || socket.readyState === socket.CLOSED) return;
  setImmediate(() => socket.close(close.code, close.reason));
}
