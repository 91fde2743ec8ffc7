import type { ApiGetRoute, ApiPostRoute, ApiRoutes } from '../../../shared/api/contract.js';

/** A failed API call: the HTTP status and the server's message for a person. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** True when the engine does not serve this route yet (the UI then shows "not available yet"). */
export function notServed(err: unknown): boolean {
  return err instanceof ApiFailure && err.status === 404 && err.message.startsWith('no route ');
}

/** True when the browser has no session: opened without the one-time login link. */
export function unauthorized(err: unknown): boolean {
  return err instanceof ApiFailure && err.status === 401;
}

/** Fills a route's `:name` parameters in order, each URL-encoded as one path segment. */
export function pathOf(route: string, params: readonly (string | number)[]): string {
  let i = 0;
  const path = route.replace(/^[A-Z]+ /, '').replace(/:[a-z]+/g, () => {
    const p = params[i++];
    if (p === undefined) throw new Error(`missing parameter for ${route}`);
    return encodeURIComponent(String(p));
  });
  if (i !== params.length) throw new Error(`too many parameters for ${route}`);
  return path;
}

async function request(method: string, path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiFailure(0, 'Keepsake is not answering. Is it still running?');
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const message = (json as { error?: string } | undefined)?.error ?? `HTTP ${res.status}`;
    throw new ApiFailure(res.status, message);
  }
  return json;
}

/** The local API, typed by the shared contract: `api.get('GET /api/weddings/:id', 3)`. */
export const api = {
  get<R extends ApiGetRoute>(route: R, ...params: (string | number)[]): Promise<ApiRoutes[R]['response']> {
    return request('GET', pathOf(route, params)) as Promise<ApiRoutes[R]['response']>;
  },
  post<R extends ApiPostRoute>(
    route: R,
    body: ApiRoutes[R] extends { body: infer B } ? B : Record<string, never>,
    ...params: (string | number)[]
  ): Promise<ApiRoutes[R]['response']> {
    return request('POST', pathOf(route, params), body) as Promise<ApiRoutes[R]['response']>;
  },
};
