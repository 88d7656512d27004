/**
 * Token test (docs/console.md "Token test"): paste a token to have it explained step by step by this server
 * only. The token is sent once, to this server's API, and cleared from the page as soon as it is submitted;
 * it is never shown back.
 */
import { useState } from 'preact/hooks';
import { call } from '../api.ts';
import { Card, ErrorBox, Field, Live, PageHeading, Status } from '../ui.tsx';

interface Report {
  outcome: { valid: boolean; code?: string; diagnostics?: string; principal?: unknown };
  steps: { name: string; verdict: 'pass' | 'fail'; detail: string; code?: string }[];
}

export function TokenTest() {
  const [token, setToken] = useState('');
  const [url, setUrl] = useState('');
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <PageHeading>Token test</PageHeading>
      <Card title="Explain a token">
        <p class="hint">
          The token goes to this server only, is not stored or logged, and is cleared from the page when you
          submit.
        </p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const t = token;
            setToken('');
            setError(null);
            setReport(null);
            call<Report>('tokens.explain', t, url).then(setReport, setError);
          }}
        >
          <div class="field">
            <label for="t-token">Token (the value after "Bearer ")</label>
            <textarea
              id="t-token"
              name="t-token"
              value={token}
              required
              autocomplete="off"
              spellcheck={false}
              onInput={(e) => setToken((e.target as HTMLTextAreaElement).value)}
            />
          </div>
          <Field
            label="Request URL the token was presented to"
            name="t-url"
            type="url"
            value={url}
            onInput={setUrl}
            required
          />
          <div class="actions">
            <button type="submit">Explain</button>
          </div>
        </form>
        <ErrorBox error={error} />
        <Live>
          {report ? (
            <>
              <p>
                Verdict:{' '}
                {report.outcome.valid ? (
                  <Status kind="ok">valid</Status>
                ) : (
                  <Status kind="bad">{report.outcome.code ?? 'refused'}</Status>
                )}
              </p>
              <ol class="steps">
                {report.steps.map((s, i) => (
                  <li key={`${s.name}-${i}`}>
                    <Status kind={s.verdict === 'pass' ? 'ok' : 'bad'}>{s.verdict}</Status> {s.name}:{' '}
                    {s.detail}
                    {s.code ? <code> {s.code}</code> : null}
                  </li>
                ))}
              </ol>
            </>
          ) : null}
        </Live>
      </Card>
    </>
  );
}
