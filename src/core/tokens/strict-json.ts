/**
 * A strict RFC 8259 JSON parser for untrusted token segments (RFC 8725 §3.1, docs/protocol.md §2.7).
 *
 * Why not JSON.parse: it silently keeps the last of duplicate member names (so two parsers can read two
 * different tokens from one byte string), builds ordinary objects (a `__proto__` member is a foot-gun for
 * any later Object.assign), and has no depth or size limits. This parser:
 * - refuses duplicate member names, builds objects with a null prototype and refuses `__proto__`;
 * - refuses lone UTF-16 surrogates in `\u` escapes (i_ cases of JSONTestSuite; decision in docs/tokens.md);
 * - refuses numbers that overflow to ±Infinity, and keeps the lexeme of each number when asked
 *   (time claims must be written as plain decimal integers);
 * - limits nesting depth and input length.
 * Input is a JS string; callers decode UTF-8 strictly first ({@link decodeUtf8Strict}).
 */

import { JsonNumberText } from './json-value.ts';
import type { JsonObject, JsonValue, StrictJsonOptions } from './json-value.ts';

export type { StrictJsonOptions } from './json-value.ts';
import { parseFlatJson } from './flat-json.ts';

export { JsonNumberText } from './json-value.ts';
export type { JsonObject, JsonValue } from './json-value.ts';

/** Why a text is not acceptable JSON; `position` is a UTF-16 offset. Carries no input text. */
export class StrictJsonError extends Error {
  override readonly name = 'StrictJsonError';
  readonly position: number;
  constructor(reason: string, position: number) {
    super(`${reason} at offset ${position}`);
    this.position = position;
  }
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes UTF-8, refusing invalid sequences, overlongs and encoded surrogates (WHATWG fatal mode); keeps a BOM. */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    throw new StrictJsonError('invalid UTF-8', 0);
  }
}

/**
 * Parses `text` as one JSON value under the rules above. A flat object of plain strings and integers
 * (every token claim set) takes the fast scanner of flat-json.ts; anything else, or anything it is
 * unsure of, the general parser, which decides alone what is refused.
 */
export function parseStrictJson(text: string, options: StrictJsonOptions = {}): JsonValue {
  return parseFlatJson(text, options) ?? parseStrictJsonGeneral(text, options);
}

/** The general parser alone: every input, every rule (the reference the fast scanner is tested against). */
export function parseStrictJsonGeneral(text: string, options: StrictJsonOptions = {}): JsonValue {
  const maxLength = options.maxLength ?? 65536;
  if (text.length > maxLength) throw new StrictJsonError('input too long', maxLength);
  const parser = new Parser(text, options.maxDepth ?? 16, options.keepNumberText ?? false);
  return parser.document();
}

const WS_SPACE = 0x20;
const WS_TAB = 0x09;
const WS_LF = 0x0a;
const WS_CR = 0x0d;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class Parser {
  readonly #s: string;
  readonly #maxDepth: number;
  readonly #keepNumberText: boolean;
  #i = 0;

  constructor(s: string, maxDepth: number, keepNumberText: boolean) {
    this.#s = s;
    this.#maxDepth = maxDepth;
    this.#keepNumberText = keepNumberText;
  }

  document(): JsonValue {
    this.#ws();
    const value = this.#value(0);
    this.#ws();
    if (this.#i !== this.#s.length) this.#fail('unexpected data after the value');
    return value;
  }

  #fail(reason: string): never {
    throw new StrictJsonError(reason, this.#i);
  }

  #ws(): void {
    const s = this.#s;
    let c = s.charCodeAt(this.#i);
    while (c === WS_SPACE || c === WS_LF || c === WS_CR || c === WS_TAB) c = s.charCodeAt(++this.#i);
  }

  #value(depth: number): JsonValue {
    const c = this.#s.charCodeAt(this.#i);
    if (c === 0x22) return this.#string();
    if (c === 0x7b) return this.#object(depth + 1);
    if (c === 0x5b) return this.#array(depth + 1);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.#number();
    if (this.#s.startsWith('true', this.#i)) return this.#literal(4, true);
    if (this.#s.startsWith('false', this.#i)) return this.#literal(5, false);
    if (this.#s.startsWith('null', this.#i)) return this.#literal(4, null);
    return this.#fail(Number.isNaN(c) ? 'unexpected end of input' : 'unexpected character');
  }

  #literal<T>(length: number, value: T): T {
    this.#i += length;
    return value;
  }

  #object(depth: number): JsonObject {
    if (depth > this.#maxDepth) this.#fail('nesting too deep');
    const out = Object.create(null) as JsonObject;
    this.#i++;
    this.#ws();
    if (this.#s.charCodeAt(this.#i) === 0x7d) {
      this.#i++;
      return out;
    }
    for (;;) {
      if (this.#s.charCodeAt(this.#i) !== 0x22) this.#fail('expected a member name');
      const at = this.#i;
      const name = this.#string();
      // RFC 8259 §4 leaves duplicates undefined; RFC 8725 §3.x / RFC 7515 §5.2 step 4 say refuse them.
      if (Object.prototype.hasOwnProperty.call(out, name))
        throw new StrictJsonError('duplicate member name', at);
      if (name === '__proto__') throw new StrictJsonError('member name __proto__ refused', at);
      this.#ws();
      if (this.#s.charCodeAt(this.#i) !== 0x3a) this.#fail('expected ":"');
      this.#i++;
      this.#ws();
      out[name] = this.#value(depth);
      this.#ws();
      const c = this.#s.charCodeAt(this.#i++);
      if (c === 0x7d) return out;
      if (c !== 0x2c) {
        this.#i--;
        this.#fail('expected "," or "}"');
      }
      this.#ws();
    }
  }

  #array(depth: number): JsonValue[] {
    if (depth > this.#maxDepth) this.#fail('nesting too deep');
    const out: JsonValue[] = [];
    this.#i++;
    this.#ws();
    if (this.#s.charCodeAt(this.#i) === 0x5d) {
      this.#i++;
      return out;
    }
    for (;;) {
      out.push(this.#value(depth));
      this.#ws();
      const c = this.#s.charCodeAt(this.#i++);
      if (c === 0x5d) return out;
      if (c !== 0x2c) {
        this.#i--;
        this.#fail('expected "," or "]"');
      }
      this.#ws();
    }
  }

  #number(): number | JsonNumberText {
    NUMBER.lastIndex = this.#i;
    const m = NUMBER.exec(this.#s);
    if (!m) return this.#fail('invalid number');
    const text = m[0];
    this.#i += text.length;
    const value = Number(text);
    if (!Number.isFinite(value)) this.#fail('number out of range');
    return this.#keepNumberText ? new JsonNumberText(text, value) : value;
  }

  #string(): string {
    const s = this.#s;
    const start = ++this.#i;
    // Fast path: no escapes and no control characters.
    let i = start;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        this.#i = i + 1;
        // Raw text came through strict UTF-8 decoding, so only escapes can make a lone surrogate.
        return s.slice(start, i);
      }
      if (c === 0x5c || c < 0x20 || Number.isNaN(c)) break;
      i++;
    }
    return this.#slowString(start);
  }

  #slowString(start: number): string {
    const s = this.#s;
    let out = '';
    let i = start;
    for (;;) {
      const c = s.charCodeAt(i);
      if (Number.isNaN(c)) {
        this.#i = i;
        this.#fail('unterminated string');
      }
      if (c < 0x20) {
        this.#i = i;
        this.#fail('control character in string');
      }
      if (c === 0x22) break;
      if (c !== 0x5c) {
        out += s[i];
        i++;
        continue;
      }
      const [text, next] = this.#escape(i);
      out += text;
      i = next;
    }
    this.#i = i + 1;
    return this.#checkSurrogates(out, start);
  }

  #escape(at: number): [string, number] {
    const e = this.#s[at + 1];
    switch (e) {
      case '"':
        return ['"', at + 2];
      case '\\':
        return ['\\', at + 2];
      case '/':
        return ['/', at + 2];
      case 'b':
        return ['\b', at + 2];
      case 'f':
        return ['\f', at + 2];
      case 'n':
        return ['\n', at + 2];
      case 'r':
        return ['\r', at + 2];
      case 't':
        return ['\t', at + 2];
      case 'u': {
        const hex = this.#s.slice(at + 2, at + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          this.#i = at;
          this.#fail('invalid \\u escape');
        }
        return [String.fromCharCode(parseInt(hex, 16)), at + 6];
      }
      default:
        this.#i = at;
        return this.#fail('invalid escape');
    }
  }

  /** A string from escapes may hold an unpaired surrogate; such a string is not Unicode text. */
  #checkSurrogates(value: string, at: number): string {
    if (LONE_SURROGATE.test(value)) throw new StrictJsonError('lone surrogate in string', at);
    return value;
  }
}
