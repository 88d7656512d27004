/** The audit log (docs/console.md "Audit log"): every change and refused attempt, filtered by time and actor. */
import { useState } from 'preact/hooks';
import { call } from '../api.ts';
import { Card, ErrorBox, Field, PageHeading, Status, Table, useLoad, when } from '../ui.tsx';

interface AuditEntry {
  id?: string;
  at: string;
  actor: string;
  role?: string;
  source?: string;
  from?: string;
  operation?: string;
  action?: string;
  target?: string;
  outcome: string;
  error?: { code: string } | string | null;
}

export function Audit() {
  const [since, setSince] = useState('');
  const [actor, setActor] = useState('');
  const [applied, setApplied] = useState<{ since: string; actor: string }>({ since: '', actor: '' });
  const entries = useLoad(
    () =>
      call<AuditEntry[] | { entries: AuditEntry[] }>('audit.list', {
        ...(applied.since ? { since: applied.since } : {}),
        ...(applied.actor ? { actor: applied.actor } : {}),
      }).then((r) => (Array.isArray(r) ? r : r.entries)),
    [applied.since, applied.actor],
    5000,
  );
  return (
    <>
      <PageHeading>Audit log</PageHeading>
      <Card title="Filters">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setApplied({ since, actor });
          }}
        >
          <Field
            label="Since (ISO date or duration such as 24h, 7d)"
            name="a-since"
            value={since}
            onInput={setSince}
          />
          <Field label="Actor" name="a-actor" value={actor} onInput={setActor} />
          <div class="actions">
            <button type="submit">Apply</button>
          </div>
        </form>
      </Card>
      <ErrorBox error={entries.error} />
      <Card title="Entries">
        <Table
          caption="Audit entries, newest first"
          columns={['When', 'Actor', 'Operation', 'Outcome']}
          empty="No audit entry matches."
          rows={(entries.data ?? []).map((e, i) => (
            <tr key={e.id ?? `${e.at}-${i}`}>
              <td>{when(e.at)}</td>
              <td>
                {e.actor}
                {e.role ? <div class="hint">{e.role}</div> : null}
                {e.source || e.from ? (
                  <div class="hint">{[e.source, e.from].filter(Boolean).join(' from ')}</div>
                ) : null}
              </td>
              <td>
                <code>{e.operation ?? e.action}</code>
                {e.target ? <div class="hint">{e.target}</div> : null}
              </td>
              <td>
                <Status kind={e.outcome === 'success' || e.outcome === 'ok' ? 'ok' : 'bad'}>
                  {e.outcome}
                </Status>
                {e.error ? (
                  <div class="hint">{typeof e.error === 'string' ? e.error : e.error.code}</div>
                ) : null}
              </td>
            </tr>
          ))}
        />
      </Card>
    </>
  );
}
