/**
 * The storage connectivity test (docs/console.md "Connectivity test"): writes an item into a user's
 * Conversation History on the partner and deletes it, with each step shown as it runs and the diagnosis
 * (code, message, fix) of a failing step.
 */
import { useState } from 'preact/hooks';
import { call, stream } from '../api.ts';
import { canTestConnectivity } from '../roles.ts';
import { Card, ErrorBox, Field, Live, PageHeading, Select, Status, useLoad } from '../ui.tsx';
import { ApiError } from '../api.ts';

interface Step {
  name: string;
  title: string;
  status: 'running' | 'passed' | 'failed' | 'skipped';
  durationMs?: number;
  detail?: string | null;
  error?: { code: string; message: string; fix: string };
}

type Line =
  | { event: Step }
  | { report: { partner: string; endpoint: string; deleted: boolean; steps: Step[] } }
  | { error: { code: string; message: string; fix?: string; steps?: Step[] } };

export function Connectivity(props: { role: string }) {
  const partners = useLoad(() => call<{ partner: { identity: string } }[]>('partners.list'), []);
  const [sip, setSip] = useState('');
  const [partner, setPartner] = useState('');
  const [steps, setSteps] = useState<Step[]>([]);
  const [result, setResult] = useState<'passed' | 'failed' | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const names = (partners.data ?? []).map((p) => p.partner.identity);
  if (!canTestConnectivity(props.role))
    return (
      <>
        <PageHeading>Connectivity test</PageHeading>
        <p>
          Your role ({props.role}) cannot run the connectivity test: it writes and deletes an item on the
          partner.
        </p>
      </>
    );
  const upsert = (s: Step) =>
    setSteps((all) => {
      const i = all.findIndex((x) => x.name === s.name);
      return i < 0 ? [...all, s] : all.map((x, j) => (j === i ? s : x));
    });
  return (
    <>
      <PageHeading>Connectivity test</PageHeading>
      <Card title="Test storage connectivity with a partner">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setSteps([]);
            setResult(null);
            setError(null);
            setBusy(true);
            stream('/connectivity-test', { sipUri: sip, ...(partner ? { partner } : {}) }, (raw) => {
              const line = raw as Line;
              if ('event' in line) upsert(line.event);
              else if ('report' in line) {
                setSteps(line.report.steps);
                setResult('passed');
              } else if ('error' in line) {
                if (line.error.steps) setSteps(line.error.steps);
                setResult('failed');
                setError(new ApiError(200, line.error.code, line.error.message, line.error.fix));
              }
            }).then(
              () => setBusy(false),
              (err: unknown) => {
                setError(err);
                setBusy(false);
              },
            );
          }}
        >
          <Field
            label="User SIP URI"
            name="c-sip"
            value={sip}
            onInput={setSip}
            required
            hint="sip:user@domain — the user whose Conversation History is written."
          />
          <Select
            label="Partner"
            name="c-partner"
            value={partner}
            options={[
              ['', 'Default (the only Exchange partner)'],
              ['self', 'self (this deployment)'],
              ...names.filter((n) => n !== 'self').map((n) => [n, n] as const),
            ]}
            onChange={setPartner}
          />
          <div class="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Testing…' : 'Run the test'}
            </button>
          </div>
        </form>
        <Live>
          <ol class="steps" aria-label="Test steps">
            {steps.map((s) => (
              <li key={s.name}>
                <Status
                  kind={
                    s.status === 'passed'
                      ? 'ok'
                      : s.status === 'failed'
                        ? 'bad'
                        : s.status === 'running'
                          ? 'info'
                          : 'warn'
                  }
                >
                  {s.status}
                </Status>{' '}
                {s.title}
                {s.durationMs !== undefined ? ` (${s.durationMs} ms)` : ''}
                {s.detail ? <div class="hint">{s.detail}</div> : null}
                {s.error ? (
                  <div class="error">
                    <strong>{s.error.code}</strong> {s.error.message}
                    <p class="fix">Fix: {s.error.fix}</p>
                  </div>
                ) : null}
              </li>
            ))}
          </ol>
          {result === 'passed' ? <p class="notice">The connectivity test passed.</p> : null}
        </Live>
        <ErrorBox error={error} />
      </Card>
    </>
  );
}
