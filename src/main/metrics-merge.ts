/**
 * One Prometheus text exposition (https://prometheus.io/docs/instrumenting/exposition_formats/) from
 * several whose series differ by a label — the workers of `s2s server start --workers N`, each labelled
 * `worker="<id>"` (docs/server.md "Workers"). The format wants each metric family once, its `# HELP` and
 * `# TYPE` first and all its samples together: families are kept in the order first seen, the samples
 * of every input appended in input order.
 */

interface Family {
  readonly head: string[];
  readonly samples: string[];
}

/** Merges expositions; the inputs must not share a series (distinct `worker` labels guarantee it). */
export function mergeExpositions(texts: readonly string[]): string {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let found = families.get(name);
    if (!found) {
      found = { head: [], samples: [] };
      families.set(name, found);
    }
    return found;
  };
  for (const text of texts) {
    let current: Family | undefined;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const meta = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (meta) {
        const name = meta[2]!;
        const target = family(name);
        // HELP and TYPE of a family come from the first input that has it.
        const kind = `# ${meta[1]} ${name}`;
        if (!target.head.some((h) => h === kind || h.startsWith(`${kind} `))) target.head.push(line);
        current = target;
      } else if (line.startsWith('#')) {
        continue; // another comment: not needed
      } else {
        (current ?? family('')).samples.push(line);
      }
    }
  }
  // As prom-client writes one registry: families separated by a blank line, a newline at the end.
  const blocks = [...families.values()].map(({ head, samples }) => [...head, ...samples].join('\n'));
  return blocks.length === 0 ? '' : `${blocks.join('\n\n')}\n`;
}
