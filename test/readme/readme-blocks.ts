/**
 * The README's tour as runnable scripts (docs/decisions.md "README doc-test"): every ```sh block of a
 * `### N.` section under `## A tour`, and every `$ ` line of its ```text blocks (a command the README
 * shows being run), turned into one bash script per section that runs the commands exactly as written.
 *
 * Three things are filled in, each by name and each checked to occur (so the map cannot drift from the
 * README): the values a section sets for the reader to change (`export S2S_HOME=/var/lib/s2s`, `NAME=…`
 * lines), `<placeholders>`, and literal addresses the README names as changeable (section 1's default
 * listen address, `S2S_LISTEN`). A `server start` line runs in the foreground for the reader; here it runs
 * as a background service and the script continues once the server listens, then stops it on exit
 * (`s2s server stop`, the documented command). An `oauth-server demo` line (section 6) runs the same way in
 * its own process group, stopped on exit.
 */
import { readFileSync } from 'node:fs';

export interface TourBlock {
  readonly lang: 'sh' | 'text';
  /** The commands: a sh block's text, or a text block's `$ ` lines without the prompt. */
  readonly code: string;
  /** 1-based line of the opening fence in the README. */
  readonly line: number;
  /** The block's text as the README shows it. */
  readonly raw: string;
}

export interface TourSection {
  readonly number: number;
  readonly title: string;
  readonly blocks: readonly TourBlock[];
  /** The section's text, prose included (for checks of what it tells the reader). */
  readonly text: string;
}

/** The sections of `## A tour`, in order, with their command blocks. */
export function tourSections(markdown: string): TourSection[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^## A tour\s*$/.test(l));
  if (start < 0) throw new Error('README has no "## A tour" section');
  let end = lines.findIndex((l, i) => i > start && /^## /.test(l));
  if (end < 0) end = lines.length;
  const sections: { number: number; title: string; blocks: TourBlock[]; from: number; to: number }[] = [];
  let fence: { lang: string; line: number; body: string[] } | undefined;
  for (let i = start + 1; i < end; i++) {
    const l = lines[i]!;
    if (fence) {
      if (/^```\s*$/.test(l)) {
        const current = sections.at(-1);
        if (fence.lang === 'sh' || fence.lang === 'text') {
          const code =
            fence.lang === 'sh'
              ? fence.body.join('\n')
              : fence.body
                  .filter((b) => b.startsWith('$ '))
                  .map((b) => b.slice(2))
                  .join('\n');
          current?.blocks.push({
            lang: fence.lang,
            code,
            line: fence.line,
            raw: fence.body.join('\n'),
          });
        }
        fence = undefined;
      } else fence.body.push(l);
      continue;
    }
    const heading = /^### (\d+)\. (.*)$/.exec(l);
    if (heading) {
      const last = sections.at(-1);
      if (last) last.to = i;
      sections.push({ number: Number(heading[1]), title: heading[2]!, blocks: [], from: i, to: end });
      continue;
    }
    const open = /^```(\w*)\s*$/.exec(l);
    if (open) fence = { lang: open[1]!, line: i + 1, body: [] };
  }
  return sections.map((s) => ({
    number: s.number,
    title: s.title,
    blocks: s.blocks,
    text: lines.slice(s.from, s.to).join('\n'),
  }));
}

export function readReadme(): string {
  return readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
}

/** What a section's script fills in. */
export interface Fill {
  /** Values of variables the section assigns (`export A=x B=y` or `A=x`), by name. */
  readonly variables?: Readonly<Record<string, string>>;
  /** Values of `<placeholder>` texts, by their text without the angle brackets. */
  readonly placeholders?: Readonly<Record<string, string>>;
  /** Literal text to replace (documented as changeable in the README), by text. */
  readonly literals?: Readonly<Record<string, string>>;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `<a placeholder>`: an opening bracket not followed by a space (a redirection is `< file`). */
const PLACEHOLDER = /<([A-Za-z0-9][^<>\n]*)>/g;

/**
 * The section's commands with its values filled in; throws when a name of `fill` does not occur (the
 * README changed) or when a placeholder is left unfilled.
 */
export function fillCommands(code: string, fill: Fill): string {
  const used = new Set<string>();
  // Join `\` continuations so that one command is one line (bash reads them the same way).
  let text = code.replace(/\\\n\s*/g, '');
  for (const [literal, value] of Object.entries(fill.literals ?? {})) {
    if (text.includes(literal)) used.add(`literal ${literal}`);
    text = text.split(literal).join(value);
  }
  text = text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = fill.placeholders?.[name];
    if (value === undefined) throw new Error(`README placeholder ${whole} has no value in the doc-test`);
    used.add(`placeholder ${name}`);
    return value;
  });
  const variables = fill.variables ?? {};
  text = text
    .split('\n')
    .map((line) => {
      const m = /^(export\s+)?((?:[A-Z_][A-Z0-9_]*=\S*\s*)+)(#.*)?$/.exec(line);
      if (!m) return line;
      const assignments = m[2]!
        .trim()
        .split(/\s+/)
        .map((a) => {
          const name = a.slice(0, a.indexOf('='));
          if (!(name in variables)) return a;
          used.add(`variable ${name}`);
          return `${name}=${shellQuote(variables[name]!)}`;
        });
      return `${m[1] ?? ''}${assignments.join(' ')}`;
    })
    .join('\n');
  const expected = [
    ...Object.keys(fill.literals ?? {}).map((k) => `literal ${k}`),
    ...Object.keys(fill.placeholders ?? {}).map((k) => `placeholder ${k}`),
    ...Object.keys(variables).map((k) => `variable ${k}`),
  ];
  const missing = expected.filter((e) => !used.has(e));
  if (missing.length > 0)
    throw new Error(`the doc-test fills ${missing.join(', ')}, which the README section no longer has`);
  return text
    .split('\n')
    .map((line) =>
      /^\s*npx s2s server start\b/.test(line)
        ? `__s2s_service ${line.trim()}`
        : /^\s*npx s2s oauth-server demo\b/.test(line)
          ? `__s2s_background ${line.trim()}`
          : line,
    )
    .join('\n');
}

/**
 * The bash script of a section: strict mode, a trace of each command on `trace.log`, `server start`
 * lines as services stopped on exit, the exported environment written to `env.out` for a following
 * section (which starts by sourcing `env.in` when it exists).
 */
export function sectionScript(commands: string): string {
  return `set -euo pipefail
[ -f env.in ] && source env.in
__s2s_homes=()
__s2s_pids=()
__s2s_stop() {
  local h p
  for h in "\${__s2s_homes[@]}"; do S2S_HOME="$h" npx s2s server stop >/dev/null 2>&1 || true; done
  for p in "\${__s2s_pids[@]}"; do kill -- "-$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}
trap __s2s_stop EXIT
__s2s_service() {
  local log="server-$(date +%s%N).log" pid
  "$@" >"$log" 2>&1 &
  pid=$!
  __s2s_homes+=("\${S2S_HOME:-$PWD/.s2s}")
  until grep -q 's2s server listening on' "$log"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$log" >&2
      echo "readme-tour: $* ended before listening" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "readme-tour: $* listening ($log)"
}
__s2s_background() {
  local log="background-$(date +%s%N).log" pid
  # its own process group, so that npx and the node process it starts stop together
  setsid "$@" >"$log" 2>&1 &
  pid=$!
  __s2s_pids+=("$pid")
  until grep -q 'listening on' "$log"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$log" >&2
      echo "readme-tour: $* ended before listening" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "readme-tour: $* listening ($log)"
}
exec {__trace}>>trace.log
BASH_XTRACEFD=$__trace
set -x
${commands}
set +x
export -p | grep -v '^declare -[a-zA-Z]*r' > env.out
`;
}
