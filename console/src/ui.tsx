/** Small building blocks shared by the pages: accessible by construction (labels, roles, live regions). */
import type { ComponentChildren, JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.ts';

export function Card(props: {
  title: string;
  children: ComponentChildren;
  id?: string;
  focusable?: boolean;
  /** Spans the whole row of a grid (wide tables). */
  wide?: boolean;
}) {
  const headingId = `${props.id ?? props.title.replace(/\W+/g, '-').toLowerCase()}-h`;
  return (
    <section class={props.wide ? 'card wide' : 'card'} aria-labelledby={headingId}>
      <h2 id={headingId} tabIndex={props.focusable ? -1 : undefined}>
        {props.title}
      </h2>
      {props.children}
    </section>
  );
}

/** A status word with its colour; the word itself carries the meaning (never colour alone). */
export function Status(props: { kind: 'ok' | 'warn' | 'bad' | 'info'; children: ComponentChildren }) {
  return <span class={`status status-${props.kind}`}>{props.children}</span>;
}

export function ErrorBox(props: { error: unknown }) {
  if (props.error === null || props.error === undefined) return null;
  const e = props.error;
  const code = e instanceof ApiError ? e.code : 'ERROR';
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);
  const fix = e instanceof ApiError ? e.fix : undefined;
  return (
    <div class="error" role="alert">
      <strong>{code}</strong> {message}
      {fix ? <p class="fix">Fix: {fix}</p> : null}
    </div>
  );
}

export function Field(props: {
  label: string;
  name: string;
  value: string;
  onInput: (v: string) => void;
  type?: string;
  required?: boolean;
  hint?: string;
  autocomplete?: string;
  list?: string;
}) {
  const id = `f-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        required={props.required}
        autocomplete={props.autocomplete ?? 'off'}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        list={props.list}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
      {props.hint ? (
        <small id={`${id}-hint`} class="hint">
          {props.hint}
        </small>
      ) : null}
    </div>
  );
}

export function Select(props: {
  label: string;
  name: string;
  value: string;
  options: readonly (string | readonly [string, string])[];
  onChange: (v: string) => void;
}) {
  const id = `f-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        name={props.name}
        value={props.value}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
      >
        {props.options.map((o) => {
          const [value, text] = typeof o === 'string' ? [o, o] : o;
          return (
            <option key={value} value={value}>
              {text}
            </option>
          );
        })}
      </select>
    </div>
  );
}

export function Check(props: {
  label: string;
  name: string;
  checked: boolean;
  onChange: (v: boolean) => void;
}) {
  const id = `f-${props.name}`;
  return (
    <div class="field check">
      <input
        id={id}
        name={props.name}
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)}
      />
      <label for={id}>{props.label}</label>
    </div>
  );
}

/** A table with a caption (screen readers announce it) and column headers. */
export function Table(props: {
  caption: string;
  columns: readonly string[];
  rows: readonly JSX.Element[];
  empty: string;
}) {
  if (props.rows.length === 0) return <p class="empty">{props.empty}</p>;
  return (
    // Focusable and named: a region that may scroll sideways must be reachable by keyboard (WCAG 2.1.1).
    <div class="table-wrap" tabIndex={0} role="region" aria-label={props.caption}>
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.rows}</tbody>
      </table>
    </div>
  );
}

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: unknown;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** Loads data, and again every `pollMs` (live pages) or on reload(). Keeps the last data on a failed poll. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], pollMs?: number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load().then(
      (d) => {
        if (!live) return;
        setData(d);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (!live) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  useEffect(() => {
    if (!pollMs) return;
    const t = setInterval(reload, pollMs);
    return () => clearInterval(t);
  }, [pollMs, reload]);
  return { data, error, loading, reload };
}

/** Moves focus to the page's heading when the page changes, so keyboard and screen-reader users follow. */
export function PageHeading(props: { children: ComponentChildren }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <h1 tabIndex={-1} ref={ref}>
      {props.children}
    </h1>
  );
}

/** The end of a form: its refusal (code, message, fix) and its confirmation, announced politely. */
export function Outcome(props: { error: unknown; notice: string }) {
  return (
    <>
      <ErrorBox error={props.error} />
      <Live>{props.notice ? <p class="notice">{props.notice}</p> : null}</Live>
    </>
  );
}

/** A polite live region: step results and confirmations are announced. */
export function Live(props: { children: ComponentChildren }) {
  return (
    <div aria-live="polite" class="live">
      {props.children}
    </div>
  );
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? iso
    : d
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, 'Z');
}
