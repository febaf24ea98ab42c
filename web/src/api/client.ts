// Calls Parley's Web API (POST /api/<method>, JSON body, bearer token), the same public API
// any Slack app uses. Errors come back as values the caller can tell apart: the server said
// no (ApiError, with Slack's error name) or the network failed (NetworkError, worth retrying).

export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly error: string,
  ) {
    super(`${method}: ${error}`);
  }
}

export class NetworkError extends Error {
  constructor(
    readonly method: string,
    cause: unknown,
  ) {
    super(`${method}: network error (${String(cause)})`);
  }
}

export type ApiArgs = Record<string, string | number | boolean | object | undefined>;

export class ApiClient {
  constructor(
    private token: string | null,
    private readonly base = '/api/',
  ) {}

  setToken(token: string | null) {
    this.token = token;
  }

  // Resolves with the whole response object when it says ok, rejects otherwise.
  async call<T = Record<string, unknown>>(method: string, args: ApiArgs = {}): Promise<T> {
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(args)) if (value !== undefined) body[key] = value;

    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;

    let response: Response;
    try {
      response = await fetch(this.base + method, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
      });
    } catch (cause) {
      throw new NetworkError(method, cause);
    }

    let json: { ok?: boolean; error?: string };
    try {
      json = await response.json();
    } catch (cause) {
      throw new NetworkError(method, cause);
    }
    if (!json.ok) throw new ApiError(method, json.error ?? `http_${response.status}`);
    return json as T;
  }

  // Follows response_metadata.next_cursor until the last page, handing each page over.
  async paginate<T>(
    method: string,
    args: ApiArgs,
    pick: (page: Record<string, unknown>) => T[],
    onPage: (items: T[]) => void,
  ): Promise<void> {
    let cursor = '';
    do {
      const page = await this.call<Record<string, unknown>>(method, { ...args, cursor });
      onPage(pick(page));
      const meta = page.response_metadata as { next_cursor?: string } | undefined;
      cursor = meta?.next_cursor ?? '';
    } while (cursor);
  }
}
