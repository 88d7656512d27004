/**
 * The server's structured JSON log (pino): one line per event, request ids on every request line, and
 * redaction of every place a token, password or key could appear (docs/security.md: never a token, password or key).
 */
import { pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { SAFE_LOG_SERIALIZERS } from '../adapters/http/safe-log-serializers.ts';

/** Paths pino censors wherever they occur in a logged object. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  '*.authorization',
  'token',
  '*.token',
  'actortoken',
  'password',
  '*.password',
  'privateKey',
  '*.privateKey',
  'key',
  '*.key',
];

/** A pino logger for the server; `destination` defaults to stdout. */
export function createServerLogger(
  options: { level?: string; destination?: DestinationStream } = {},
): Logger {
  return pino(
    {
      level: options.level ?? process.env.S2S_LOG_LEVEL ?? 'info',
      base: { service: 's2s' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: SAFE_LOG_SERIALIZERS,
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
