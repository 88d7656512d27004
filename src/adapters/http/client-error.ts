/**
 * What the server does with a request it cannot parse (node:http `clientError`, docs/security.md "Secrets in
 * logs"): fastify's default handler logs the whole error at level trace, and node attaches the raw bytes
 * read so far (`rawPacket`) — Authorization headers, Basic credentials and bodies included. Ours logs the
 * parser's code and the byte count only, and answers as node and fastify do (408, 431, else 400) with a
 * fixed body.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';

/** node's client error; `rawPacket` (the bytes read) is never logged. */
type ClientError = Error & { readonly code?: unknown; readonly bytesParsed?: unknown };

/** The answer for a parser error code (RFC 9110 §15.5.9 408, RFC 6585 §5 431). */
function statusFor(code: unknown): number {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  return 400;
}

/** Builds the `clientErrorHandler` fastify option; `log` is the app's logger (none: nothing is logged). */
export function safeClientErrorHandler(log: FastifyBaseLogger | undefined) {
  return (err: ClientError, socket: Socket): void => {
    // A reset connection has nothing left to answer (node's documented clientError contract).
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const status = statusFor(err.code);
    log?.trace(
      {
        code: typeof err.code === 'string' ? err.code.slice(0, 64) : 'unknown',
        bytesParsed: typeof err.bytesParsed === 'number' ? err.bytesParsed : undefined,
      },
      'client error',
    );
    if (socket.writable) {
      const body = JSON.stringify({
        error: 'usage',
        error_description: `the request could not be parsed (HTTP ${status})`,
        code: 'ERR_USAGE',
      });
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
