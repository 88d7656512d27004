/**
 * pino serializers for everything the HTTP layer logs (docs/security.md "Secrets in logs"): no log level
 * may carry a token, password or key in any encoding. The standard error serializer copies every
 * enumerable member — node's `rawPacket` (the raw request bytes, Authorization header included), a
 * fetch error's `cause`, a validator's input — so errors are reduced to their type, code and stack frames;
 * only our own errors (S2sError, whose messages never hold secrets: docs/architecture.md, convention 5) keep their message.
 * Requests are reduced to method and a {@link loggableUrl} (no query string, no long segments, no headers).
 */
import { S2sError } from '../../core/index.ts';
import { loggableUrl } from './loggable-url.ts';

/** The logged form of an error. */
export interface LoggedError {
  readonly type: string;
  readonly code?: string;
  readonly message?: string;
  readonly stack?: string;
}

function codeOf(err: object): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code.slice(0, 64) : undefined;
}

/** The call frames of a stack, without its first line (that line repeats the message). */
function framesOf(err: Error): string | undefined {
  if (typeof err.stack !== 'string') return undefined;
  const frames = err.stack.split('\n').filter((line) => /^\s+at /.test(line));
  return frames.length > 0 ? frames.slice(0, 20).join('\n') : undefined;
}

/** The `err` serializer. */
export function serializeError(err: unknown): LoggedError | string {
  if (!(err instanceof Error)) return typeof err;
  const code = codeOf(err);
  const stack = framesOf(err);
  return {
    type: err.name.slice(0, 64),
    ...(code !== undefined ? { code } : {}),
    ...(err instanceof S2sError ? { message: err.message } : {}),
    ...(stack !== undefined ? { stack } : {}),
  };
}

/** The `req` serializer (fastify's default also logs host, version and port; never headers). */
export function serializeRequest(req: { method?: unknown; url?: unknown; ip?: unknown }): object {
  return {
    method: typeof req.method === 'string' ? req.method.slice(0, 16) : undefined,
    url: typeof req.url === 'string' ? loggableUrl(req.url) : undefined,
    remoteAddress: typeof req.ip === 'string' ? req.ip : undefined,
  };
}

/** The serializers, for `pino({ serializers })` or `logger.child({}, { serializers })`. */
export const SAFE_LOG_SERIALIZERS = Object.freeze({ err: serializeError, req: serializeRequest });
