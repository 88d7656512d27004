/** The values our JSON parsers build from token segments (strict-json.ts, flat-json.ts). */

/** A parsed JSON value; objects have a null prototype. */
export type JsonValue = null | boolean | number | string | JsonNumberText | JsonValue[] | JsonObject;
/** A parsed JSON object (null prototype, no duplicate or `__proto__` members). */
export interface JsonObject {
  [member: string]: JsonValue;
}

/** A number kept with its source text (when `keepNumberText` is set). */
export class JsonNumberText {
  readonly text: string;
  readonly value: number;
  constructor(text: string, value: number) {
    this.text = text;
    this.value = value;
    Object.freeze(this);
  }
}

/** Limits and number handling of the strict JSON parsers (strict-json.ts, flat-json.ts). */
export interface StrictJsonOptions {
  /** Maximum nesting of arrays/objects (default 16). */
  readonly maxDepth?: number;
  /** Maximum input length in UTF-16 code units (default 64 KiB). */
  readonly maxLength?: number;
  /** Return numbers as {@link JsonNumberText} instead of `number`. */
  readonly keepNumberText?: boolean;
}
