/**
 * Reading an OAuth server's token endpoint response (RFC 6749 §5.1–5.2; ACS/Entra add `expires_on` and
 * `error_codes` / `AADSTS…` codes in `error_description`; docs/protocol.md §8 step 4). Pure.
 */
import { partnerError } from './partner-errors.ts';

/** An issued actor token and when it expires. */
export interface IssuedActorToken {
  readonly accessToken: string;
  readonly expiresAt: Date;
}

/** Longest reason from the server kept in a message (it is the server's text, shown to the administrator). */
const MAX_REASON = 400;

/** Reads a 2xx response, or refuses it with the server's reason (ERR_OAUTH_SERVER_REFUSED / _BAD_RESPONSE). */
export function readTokenResponse(
  status: number,
  text: string,
  now: Date,
  where: { readonly server: string; readonly resource: string },
): IssuedActorToken {
  const body = parseObject(text);
  if (status < 200 || status > 299) {
    const error = typeof body?.['error'] === 'string' ? body['error'] : null;
    const description = typeof body?.['error_description'] === 'string' ? body['error_description'] : null;
    const codes = [
      ...(Array.isArray(body?.['error_codes']) ? body['error_codes'].map((c) => `AADSTS${String(c)}`) : []),
      ...((description ?? '').match(/AADSTS\d+/g) ?? []),
    ];
    const uniqueCodes = [...new Set(codes)];
    const reason = [`HTTP ${status}`, error, description === null ? null : oneLine(description)]
      .filter((x) => x !== null)
      .join(': ');
    throw partnerError(
      'ERR_OAUTH_SERVER_REFUSED',
      `OAuth server ${where.server} refused an actor token for ${where.resource} — ${reason}`,
      { server: where.server, resource: where.resource, status, error, codes: uniqueCodes },
    );
  }
  const token = body?.['access_token'];
  if (typeof token !== 'string' || token.split('.').length !== 3)
    throw partnerError(
      'ERR_OAUTH_SERVER_BAD_RESPONSE',
      `OAuth server ${where.server} answered ${status} without a JWT access_token for ${where.resource}`,
      { server: where.server, resource: where.resource, status },
    );
  return { accessToken: token, expiresAt: expiryOf(body!, token, now) };
}

function expiryOf(body: Record<string, unknown>, token: string, now: Date): Date {
  const claim = jwtExp(token);
  if (claim !== null) return new Date(claim * 1000);
  const expiresOn = Number(body['expires_on']);
  if (Number.isFinite(expiresOn) && expiresOn > 0) return new Date(expiresOn * 1000);
  const expiresIn = Number(body['expires_in']);
  return new Date(now.getTime() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 300) * 1000);
}

/** The `exp` of a JWT payload, read without verifying (for caching only: the receiver verifies). */
function jwtExp(token: string): number | null {
  try {
    const payload = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as unknown;
    const exp =
      typeof payload === 'object' && payload !== null
        ? Number((payload as Record<string, unknown>)['exp'])
        : NaN;
    return Number.isFinite(exp) && exp > 0 ? exp : null;
  } catch {
    return null;
  }
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function oneLine(text: string): string {
  const flat = text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  return flat.length > MAX_REASON ? `${flat.slice(0, MAX_REASON)}…` : flat;
}
