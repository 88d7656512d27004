/**
 * JSON for documents fetched from other servers: as lenient as Microsoft servers write (a UTF-8 BOM,
 * escaped slashes) and as strict as safety needs (size cap, depth cap, no duplicate members — compared
 * case-insensitively, since our readers match member names case-insensitively; docs/protocol.md §1.3).
 * Independent of the token parser on purpose: JSON.parse plus a structural pre-scan.
 */
import { partnerError } from '../partners/partner-errors.ts';

/** Limits of {@link parseSafeJson}. */
export interface SafeJsonLimits {
  /** Maximum size in UTF-8 bytes. */
  readonly maxBytes: number;
  /** Maximum nesting of objects and arrays. */
  readonly maxDepth: number;
}

/** Defaults: real metadata documents are a few KiB and 4 levels deep. */
export const SAFE_JSON_DEFAULTS: SafeJsonLimits = { maxBytes: 256 * 1024, maxDepth: 16 };

/** Parses `text`; throws ERR_METADATA_TOO_LARGE, ERR_METADATA_INVALID or ERR_METADATA_DUPLICATE_MEMBER. */
export function parseSafeJson(
  text: string,
  source: string,
  limits: SafeJsonLimits = SAFE_JSON_DEFAULTS,
): unknown {
  if (Buffer.byteLength(text, 'utf8') > limits.maxBytes) {
    throw partnerError(
      'ERR_METADATA_TOO_LARGE',
      `the document from ${source} is larger than ${limits.maxBytes} bytes`,
      { source },
    );
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    throw partnerError('ERR_METADATA_INVALID', `the document from ${source} is not valid JSON`, { source });
  }
  scanStructure(body, source, limits.maxDepth);
  return value;
}

interface Frame {
  readonly object: boolean;
  readonly names: Set<string>;
  expectName: boolean;
}

/** Walks valid JSON text once, checking depth and duplicate member names. */
function scanStructure(text: string, source: string, maxDepth: number): void {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top?.object && top.expectName) checkName(top, text.slice(i, end + 1), source);
      i = end;
    } else if (c === '{' || c === '[') {
      stack.push({ object: c === '{', names: new Set(), expectName: c === '{' });
      if (stack.length > maxDepth) {
        throw partnerError(
          'ERR_METADATA_INVALID',
          `the document from ${source} is nested deeper than ${maxDepth} levels`,
          { source },
        );
      }
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.object) top.expectName = true;
    }
  }
}

function stringEnd(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j;
  }
  return text.length;
}

function checkName(frame: Frame, rawName: string, source: string): void {
  const name = (JSON.parse(rawName) as string).toLowerCase();
  frame.expectName = false;
  if (frame.names.has(name)) {
    throw partnerError(
      'ERR_METADATA_DUPLICATE_MEMBER',
      `the document from ${source} has the member "${name.slice(0, 64)}" twice in one object`,
      { source, member: name.slice(0, 64) },
    );
  }
  frame.names.add(name);
}
