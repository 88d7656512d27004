/**
 * The per-request logger fastify hands every request (`request.log`), made when first used. A pino
 * child is built for every request otherwise, and its bindings (the request id) go through the
 * redaction's wildcard stringifier (src/main/server-logger.ts) — measurable on every request although
 * most requests log nothing at the server's level (docs/server.md "Performance"). A line that is
 * written carries the same bindings as before: the real child is made for it.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, LevelWithSilentOrString } from 'pino';

class LazyRequestLogger {
  readonly #parent: FastifyBaseLogger;
  readonly #bindings: Bindings;
  #real: FastifyBaseLogger | null = null;

  constructor(parent: FastifyBaseLogger, bindings: Bindings) {
    this.#parent = parent;
    this.#bindings = bindings;
  }

  #child(): FastifyBaseLogger {
    return (this.#real ??= this.#parent.child(this.#bindings));
  }

  #write(level: Level, args: unknown[]): void {
    if (!this.isLevelEnabled(level)) return;
    const child = this.#child();
    child[level](...(args as [string]));
  }

  get level(): LevelWithSilentOrString {
    return this.#real?.level ?? this.#parent.level;
  }

  set level(level: LevelWithSilentOrString) {
    this.#child().level = level;
  }

  isLevelEnabled(level: string): boolean {
    const logger = (this.#real ?? this.#parent) as FastifyBaseLogger & {
      isLevelEnabled?: (l: string) => boolean;
    };
    return logger.isLevelEnabled?.(level) ?? true;
  }

  fatal(...args: unknown[]): void {
    this.#write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.#write('error', args);
  }
  warn(...args: unknown[]): void {
    this.#write('warn', args);
  }
  info(...args: unknown[]): void {
    this.#write('info', args);
  }
  debug(...args: unknown[]): void {
    this.#write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.#write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#child().child(bindings, options);
  }
}

/**
 * fastify's `childLoggerFactory`: a lazy child for the common request; options of a route (its own
 * level or serializers) get the real child at once.
 */
export function lazyChildLoggerFactory(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  if (Object.keys(options).length > 0) return logger.child(bindings, options);
  return new LazyRequestLogger(logger, bindings);
}
