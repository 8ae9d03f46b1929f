/**
 * RFC 9457 problem details as every service answers them, turned into one error type whose
 * message is what a person should read.
 */
export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
}

export class ProblemError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly title: string;

  constructor(status: number, body: ProblemBody) {
    super(messageOf(status, body));
    this.name = "ProblemError";
    this.status = status;
    this.code = body.code;
    this.title = body.title ?? statusText(status);
  }
}

/** Shown when the network itself failed, so nothing came back to explain. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super("Materi could not be reached. Check your connection; your changes in open documents are kept on this device.", { cause });
    this.name = "NetworkError";
  }
}

export async function problemOf(response: Response): Promise<ProblemError> {
  let body: ProblemBody = {};
  try {
    const text = await response.text();
    body = text ? (JSON.parse(text) as ProblemBody) : {};
  } catch {
    // Not JSON (a proxy's HTML page): the status alone has to explain it.
    body = {};
  }
  return new ProblemError(response.status, body);
}

/** The sentence to show: the service's detail when it gave one, its title otherwise. */
function messageOf(status: number, body: ProblemBody): string {
  const detail = body.detail?.trim();
  if (detail) return detail;
  if (body.title) return body.title;
  return statusText(status);
}

function statusText(status: number): string {
  if (status === 401) return "Your session has ended. Please sign in again.";
  if (status === 403) return "You do not have permission to do that.";
  if (status === 404) return "This item does not exist or is not shared with you.";
  if (status === 429) return "Too many requests. Please wait a moment and try again.";
  if (status >= 500) return "Something went wrong on the server. Please try again in a moment.";
  return `The request failed (${status}).`;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
