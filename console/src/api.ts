/**
 * The console's only way to the server: the administration API (docs/admin.md), same origin, with the
 * session cookie set at sign-in and the CSRF token it returned in the X-CSRF-Token header of every call
 * (docs/console.md "Security"). Nothing here stores a secret: the password is sent once and dropped.
 */
export const API = '/admin/api/v1';

export interface Session {
  readonly name: string;
  readonly role: string;
  readonly csrfToken: string;
  readonly expiresAt?: string;
}

/** A refusal of the API, with its stable code (docs/errors.md). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fix?: string,
  ) {
    super(message);
  }
}

let csrfToken = '';

async function send<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(`${API}${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) throw errorOf(res, json);
  return json as T;
}

/** Reads both refusal shapes: `{ error: { code, message, fix } }` and `{ code, error_description }`. */
function errorOf(res: Response, json: unknown): ApiError {
  const body = (json ?? {}) as {
    error?: unknown;
    code?: string;
    error_description?: string;
    fix?: string;
  };
  if (body.error && typeof body.error === 'object') {
    const e = body.error as { code?: string; message?: string; fix?: string };
    return new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.message ?? res.statusText, e.fix);
  }
  return new ApiError(
    res.status,
    body.code ?? `HTTP_${res.status}`,
    body.error_description ?? res.statusText,
    body.fix,
  );
}

/**
 * A streamed call: the server answers NDJSON, one event per line, delivered to `onLine` as it arrives
 * (the connectivity test's live steps).
 */
export async function stream(path: string, body: unknown, onLine: (line: unknown) => void): Promise<void> {
  const res = await fetch(`${API}${path}`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: {
      'content-type': 'application/json',
      accept: 'application/x-ndjson',
      'x-csrf-token': csrfToken,
    },
    body: JSON.stringify(body),
  });
  if (!res.ok || !res.body) {
    const text = await res.text();
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    throw errorOf(res, json);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += value;
    let nl = buffered.indexOf('\n');
    while (nl >= 0) {
      const line = buffered.slice(0, nl).trim();
      buffered = buffered.slice(nl + 1);
      if (line) onLine(JSON.parse(line));
      nl = buffered.indexOf('\n');
    }
  }
  if (buffered.trim()) onLine(JSON.parse(buffered));
}

/** The API's session answer: `admin` is the administrator's name. */
interface SessionAnswer {
  readonly admin: string;
  readonly role: string;
  readonly csrfToken?: string;
  readonly expiresAt?: string;
}

function adopt(s: SessionAnswer): Session {
  csrfToken = s.csrfToken ?? '';
  return { name: s.admin, role: s.role, csrfToken, ...(s.expiresAt ? { expiresAt: s.expiresAt } : {}) };
}

/** The current session, or null when signed out. */
export async function currentSession(): Promise<Session | null> {
  try {
    return adopt(await send<SessionAnswer>('GET', '/session'));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export async function signIn(name: string, password: string): Promise<Session> {
  return adopt(await send<SessionAnswer>('POST', '/session', { name, password }));
}

export async function signOut(): Promise<void> {
  await send('DELETE', '/session').catch(() => undefined);
  csrfToken = '';
}

/** Runs one administration operation by its id (docs/admin.md "Operations"). */
export function call<T>(operation: string, ...args: unknown[]): Promise<T> {
  return send<{ result: T }>('POST', `/operations/${encodeURIComponent(operation)}`, { args }).then(
    (r) => r.result,
  );
}

/** A read-only API resource (e.g. `/dashboard`). */
export function get<T>(path: string): Promise<T> {
  return send<T>('GET', path);
}
