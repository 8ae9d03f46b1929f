import { NetworkError, problemOf } from "./problem";
import type { SessionStore } from "./session";

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  data: T;
  headers: Headers;
}

/**
 * Calls the gateway with the session's bearer token. A 401 triggers one refresh and one retry
 * (the spec's retry table for authentication errors); any other failure is a ProblemError whose
 * message comes from the problem's detail or title.
 */
export class ApiClient {
  constructor(private readonly session: SessionStore) {}

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    let response = await this.send(method, path, options);
    if (response.status === 401 && this.session.current) {
      const renewed = await this.session.refresh();
      if (renewed) response = await this.send(method, path, options);
    }
    if (!response.ok) throw await problemOf(response);
    const text = response.status === 204 ? "" : await response.text();
    return { data: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
  }

  /** The raw response (for streams); still refreshed once on 401. Non-2xx answers are thrown as problems. */
  async stream(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    let response = await this.send(method, path, options);
    if (response.status === 401 && this.session.current) {
      if (await this.session.refresh()) response = await this.send(method, path, options);
    }
    if (!response.ok) throw await problemOf(response);
    return response;
  }

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>("GET", path, signal ? { signal } : {}).then((r) => r.data);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>("POST", path, { body }).then((r) => r.data);
  }

  patch<T>(path: string, body: unknown, headers?: Record<string, string>): Promise<T> {
    return this.request<T>("PATCH", path, { body, ...(headers ? { headers } : {}) }).then((r) => r.data);
  }

  async delete(path: string): Promise<void> {
    await this.request<void>("DELETE", path);
  }

  private async send(method: string, path: string, { body, headers = {}, signal }: RequestOptions): Promise<Response> {
    const token = this.session.current?.accessToken;
    try {
      return await fetch(path, {
        method,
        headers: {
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new NetworkError(err);
    }
  }
}
