/**
 * The certificate wizard, step for step as the deployment wizard's certificate steps (docs/console.md
 * "Certificate wizard"; product brief §3): online or offline → CA and account → template → friendly name, key
 * length, exportable key → organization → geography → subject and alternative names computed for review → SIP
 * domains → additional names → summary → execution with a viewable log → status → assignment → "Assigned".
 * Offline: the PKCS#10 request is downloaded, and the CA's response is uploaded later (last step).
 */
import { useEffect, useState } from 'preact/hooks';
import { call } from '../api.ts';
import { bytes, download, readAsBase64 } from '../files.ts';
import { canChange } from '../roles.ts';
import { Card, Check, ErrorBox, Field, Live, PageHeading, Select, Status } from '../ui.tsx';
import { USAGES } from './certificates.tsx';

interface Answers {
  usage: string;
  mode: 'online' | 'offline';
  ca: string;
  caUrl: string;
  caAccount: string;
  caPassword: string;
  template: string;
  friendlyName: string;
  keySize: string;
  exportable: boolean;
  organization: string;
  organizationalUnit: string;
  country: string;
  state: string;
  city: string;
  sipDomains: string;
  domainNames: string;
}

const START: Answers = {
  usage: 'OAuthTokenIssuer',
  mode: 'online',
  ca: 'internal',
  caUrl: '',
  caAccount: '',
  caPassword: '',
  template: '',
  friendlyName: '',
  keySize: '2048',
  exportable: false,
  organization: '',
  organizationalUnit: '',
  country: '',
  state: '',
  city: '',
  sipDomains: '',
  domainNames: '',
};

const STEPS = [
  'Request',
  'Certification authority',
  'Template',
  'Name and security',
  'Organization',
  'Geography',
  'Subject and names',
  'SIP domains',
  'Additional names',
  'Summary',
  'Execute',
  'Status',
  'Assignment',
] as const;

interface Plan {
  subject: string;
  dnsNames: string[];
  template: string;
  friendlyName: string;
  exportable: boolean;
  key: { algorithm: string; size: number };
}

/** What installing an issued certificate did (ImportResponseResult of the API). */
interface Installed {
  thumbprint: string;
  subject: string;
  assigned: string[];
  status: { status: string; explanation: string };
}

interface Outcome {
  kind: 'pending' | 'issued';
  request: { id: number; subject: string };
  csrPem?: string;
  result?: Installed;
}

const list = (s: string) =>
  s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** The request options the API's `ca.plan` / `ca.request` take (the flags of `s2s certificate request`). */
function options(a: Answers): Record<string, unknown> {
  const ca = a.mode === 'offline' ? undefined : a.ca === 'internal' ? 'internal' : a.caUrl;
  return {
    usages: [a.usage],
    ...(ca ? { ca } : {}),
    ...(a.mode === 'online' && a.ca === 'enrollment' && a.caAccount
      ? { caAccount: a.caAccount, caPassword: a.caPassword }
      : {}),
    ...(a.template ? { template: a.template } : {}),
    ...(a.friendlyName ? { friendlyName: a.friendlyName } : {}),
    keySize: Number(a.keySize),
    exportable: a.exportable,
    ...(a.organization ? { organization: a.organization } : {}),
    ...(a.organizationalUnit ? { organizationalUnit: a.organizationalUnit } : {}),
    ...(a.country ? { country: a.country } : {}),
    ...(a.state ? { state: a.state } : {}),
    ...(a.city ? { city: a.city } : {}),
    ...(list(a.sipDomains).length ? { sipDomains: list(a.sipDomains) } : {}),
    ...(list(a.domainNames).length ? { domainNames: list(a.domainNames) } : {}),
  };
}

export function Wizard(props: { role: string }) {
  const [step, setStep] = useState(0);
  const [a, setA] = useState<Answers>(START);
  const [plan, setPlan] = useState<Plan | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [installed, setInstalled] = useState<Installed | null>(null);
  const [log, setLog] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // Each new step takes the focus to its heading: keyboard and screen-reader users start at its top.
  useEffect(() => {
    if (step > 0) document.getElementById('wizard-step-h')?.focus();
  }, [step]);
  const set =
    <K extends keyof Answers>(k: K) =>
    (v: Answers[K]) =>
      setA((x) => ({ ...x, [k]: v }));
  const append = (line: string) => setLog((l) => [...l, `${new Date().toISOString()}  ${line}`]);
  if (!canChange(props.role, 'certificates'))
    return (
      <>
        <PageHeading>Certificate wizard</PageHeading>
        <p>Your role ({props.role}) cannot request certificates. The certificates page shows their state.</p>
      </>
    );

  const next = () => {
    setError(null);
    setStep((s) => s + 1);
  };
  const back = () => {
    setError(null);
    setStep((s) => Math.max(0, s - 1));
  };
  const review = () => {
    setBusy(true);
    setError(null);
    call<Plan>('ca.plan', options(a)).then(
      (p) => {
        setPlan(p);
        setBusy(false);
        next();
      },
      (e: unknown) => {
        setError(e);
        setBusy(false);
      },
    );
  };
  const execute = () => {
    setBusy(true);
    setError(null);
    append(
      `Requesting ${a.usage} certificate (${a.mode === 'offline' ? 'offline' : a.ca === 'internal' ? 'built-in CA' : a.caUrl})`,
    );
    append('Generating the key pair and the PKCS#10 request');
    const secretA = { ...a };
    setA((x) => ({ ...x, caPassword: '' }));
    call<Outcome>('ca.request', options(secretA)).then(
      (o) => {
        setOutcome(o);
        setInstalled(o.result ?? null);
        if (o.kind === 'pending') append(`Request ${o.request.id} saved; download it and send it to the CA`);
        else append(`Certificate ${o.result?.thumbprint ?? ''} issued and installed`);
        setBusy(false);
        next();
      },
      (e: unknown) => {
        append('Failed');
        setError(e);
        setBusy(false);
      },
    );
  };

  return (
    <>
      <PageHeading>Certificate wizard</PageHeading>
      <ol class="progress" aria-label="Wizard steps">
        {STEPS.map((s, i) => (
          <li key={s} aria-current={i === step ? 'step' : undefined}>
            {i + 1}. {s}
          </li>
        ))}
      </ol>
      <Card title={`Step ${step + 1} of ${STEPS.length}: ${STEPS[step]}`} id="wizard-step" focusable>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (step === 9) return execute();
            // The names are computed for review after geography, and again once SIP domains and names are added.
            if (step === 5 || step === 8) return review();
            next();
          }}
        >
          {step === 0 ? (
            <>
              <Select
                label="Certificate usage"
                name="w-usage"
                value={a.usage}
                options={USAGES}
                onChange={set('usage')}
              />
              <fieldset>
                <legend>How to send the request</legend>
                {(['online', 'offline'] as const).map((m) => (
                  <div class="field check" key={m}>
                    <input
                      id={`w-mode-${m}`}
                      type="radio"
                      name="w-mode"
                      checked={a.mode === m}
                      onChange={() => set('mode')(m)}
                    />
                    <label for={`w-mode-${m}`}>
                      {m === 'online'
                        ? 'Send the request immediately to an online CA'
                        : 'Prepare the request now, send it later (offline)'}
                    </label>
                  </div>
                ))}
              </fieldset>
            </>
          ) : null}
          {step === 1 ? (
            a.mode === 'offline' ? (
              <p>The request will be saved here and downloaded as a PKCS#10 file for your CA.</p>
            ) : (
              <>
                <Select
                  label="Certification authority"
                  name="w-ca"
                  value={a.ca}
                  options={[
                    ['internal', 'The built-in CA of this deployment'],
                    ['enrollment', "Another s2s server's CA (enrollment URL)"],
                    ['acme', 'An ACME directory'],
                  ]}
                  onChange={set('ca')}
                />
                {a.ca !== 'internal' ? (
                  <Field
                    label={
                      a.ca === 'acme' ? 'ACME directory URL (acme+https://…)' : 'Enrollment URL (https://…)'
                    }
                    name="w-ca-url"
                    type="url"
                    value={a.caUrl}
                    onInput={set('caUrl')}
                    required
                  />
                ) : null}
                {a.ca === 'enrollment' ? (
                  <>
                    <Field
                      label="CA account"
                      name="w-ca-account"
                      value={a.caAccount}
                      onInput={set('caAccount')}
                    />
                    <Field
                      label="CA account password"
                      name="w-ca-password"
                      type="password"
                      value={a.caPassword}
                      onInput={set('caPassword')}
                    />
                  </>
                ) : null}
              </>
            )
          ) : null}
          {step === 2 ? (
            <Field
              label="Certificate template (empty: the usage's default)"
              name="w-template"
              value={a.template}
              onInput={set('template')}
              hint="The built-in CA has WebServer; your CA may name others."
            />
          ) : null}
          {step === 3 ? (
            <>
              <Field
                label="Friendly name"
                name="w-friendly"
                value={a.friendlyName}
                onInput={set('friendlyName')}
              />
              <Select
                label="Key length (bits)"
                name="w-keysize"
                value={a.keySize}
                options={['2048', '3072', '4096']}
                onChange={set('keySize')}
              />
              <Check
                label="Mark the private key as exportable"
                name="w-exportable"
                checked={a.exportable}
                onChange={set('exportable')}
              />
            </>
          ) : null}
          {step === 4 ? (
            <>
              <Field label="Organization" name="w-org" value={a.organization} onInput={set('organization')} />
              <Field
                label="Organizational unit"
                name="w-ou"
                value={a.organizationalUnit}
                onInput={set('organizationalUnit')}
              />
            </>
          ) : null}
          {step === 5 ? (
            <>
              <Field
                label="Country/region (two letters)"
                name="w-country"
                value={a.country}
                onInput={set('country')}
              />
              <Field label="State/province" name="w-state" value={a.state} onInput={set('state')} />
              <Field label="City/locality" name="w-city" value={a.city} onInput={set('city')} />
            </>
          ) : null}
          {step === 6 && plan ? (
            <dl class="facts">
              <dt>Subject name</dt>
              <dd>{plan.subject}</dd>
              <dt>Subject alternative names</dt>
              <dd>{plan.dnsNames.join(', ')}</dd>
            </dl>
          ) : null}
          {step === 7 ? (
            <Field
              label="SIP domains to add (sip.<domain> is named for each)"
              name="w-sip"
              value={a.sipDomains}
              onInput={set('sipDomains')}
              hint="Comma or space separated."
            />
          ) : null}
          {step === 8 ? (
            <Field
              label="Additional subject alternative names"
              name="w-names"
              value={a.domainNames}
              onInput={set('domainNames')}
              hint="Comma or space separated DNS names."
            />
          ) : null}
          {step === 9 ? (
            <dl class="facts">
              <dt>Usage</dt>
              <dd>{a.usage}</dd>
              <dt>Request</dt>
              <dd>
                {a.mode === 'offline' ? 'offline (download)' : a.ca === 'internal' ? 'built-in CA' : a.caUrl}
              </dd>
              <dt>Template</dt>
              <dd>{plan?.template ?? (a.template || 'default')}</dd>
              <dt>Friendly name</dt>
              <dd>{plan?.friendlyName ?? a.friendlyName}</dd>
              <dt>Key</dt>
              <dd>
                RSA {a.keySize}, {a.exportable ? 'exportable' : 'not exportable'}
              </dd>
              <dt>Subject</dt>
              <dd>{plan?.subject}</dd>
              <dt>Names</dt>
              <dd>{(plan?.dnsNames ?? []).join(', ')}</dd>
              <dt>SIP domains</dt>
              <dd>{a.sipDomains || '—'}</dd>
            </dl>
          ) : null}
          {step >= 10 ? <ExecutionLog lines={log} /> : null}
          {step === 10 && outcome ? <Executed outcome={outcome} /> : null}
          {step === 11 && outcome ? (
            <StatusStep
              installed={installed}
              onInstalled={(r) => {
                setInstalled(r);
                append(`Response imported: certificate ${r.thumbprint}`);
              }}
            />
          ) : null}
          {step === 12 ? <Assignment installed={installed} usage={a.usage} /> : null}
          <ErrorBox error={error} />
          <div class="actions">
            {step > 0 && step < 10 ? (
              <button type="button" class="secondary" onClick={back}>
                Back
              </button>
            ) : null}
            {step < 9 ? (
              <button type="submit" disabled={busy}>
                Next
              </button>
            ) : null}
            {step === 9 ? (
              <button type="submit" disabled={busy}>
                Execute
              </button>
            ) : null}
            {step >= 10 && step < 12 && outcome ? (
              <button type="button" onClick={next}>
                Next
              </button>
            ) : null}
          </div>
        </form>
      </Card>
    </>
  );
}

function ExecutionLog(props: { lines: string[] }) {
  return (
    <details open>
      <summary>Execution log</summary>
      <pre class="log" aria-label="Execution log" tabIndex={0}>
        {props.lines.join('\n')}
      </pre>
    </details>
  );
}

function Executed({ outcome }: { outcome: Outcome }) {
  if (outcome.kind === 'issued') return <p class="notice">The certificate was issued and installed.</p>;
  return (
    <div>
      <p class="notice">
        Request {outcome.request.id} was saved. Download it, have your CA issue it, then upload the CA's
        response on the next step.
      </p>
      <button
        type="button"
        class="secondary"
        onClick={() => download(`s2s-request-${outcome.request.id}.req`, outcome.csrPem ?? '')}
      >
        Download the request (PKCS#10)
      </button>
    </div>
  );
}

function StatusStep(props: { installed: Installed | null; onInstalled: (r: Installed) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(null);
  const status = props.installed?.status;
  return (
    <div>
      {!props.installed ? (
        <div>
          <div class="field">
            <label for="w-response">The CA's response (certificate or chain, PEM/DER/P7B)</label>
            <input
              id="w-response"
              type="file"
              onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)}
            />
          </div>
          <button
            type="button"
            disabled={!file}
            onClick={() => {
              if (!file) return;
              setError(null);
              void readAsBase64(file)
                .then((b64) =>
                  call<{ caResponse?: Installed }>('certificates.import', {
                    file: bytes(b64),
                    fileName: file.name,
                  }),
                )
                .then((r) => {
                  if (r.caResponse) props.onInstalled(r.caResponse);
                  else
                    setError(
                      new Error('the file was imported, but it answers no pending request of this wizard'),
                    );
                }, setError);
            }}
          >
            Import the response
          </button>
          <ErrorBox error={error} />
        </div>
      ) : null}
      {status ? (
        <Live>
          <p>
            Status:{' '}
            <Status kind={status.status === 'valid' ? 'ok' : 'bad'}>
              {status.status === 'valid' ? 'Issued and valid' : status.status}
            </Status>
          </p>
          {status.status === 'valid' ? null : <p class="warning">{status.explanation}</p>}
        </Live>
      ) : null}
    </div>
  );
}

function Assignment({ installed, usage }: { installed: Installed | null; usage: string }) {
  return (
    <Live>
      {installed && installed.assigned.length > 0 ? (
        <p class="notice">
          <strong>Assigned</strong> — {installed.subject} is assigned to{' '}
          {installed.assigned.join(', ') || usage}.
        </p>
      ) : installed ? (
        <p class="warning">Installed, not assigned: assign it on the certificates page.</p>
      ) : (
        <p class="warning">Not assigned yet: import the CA's response first.</p>
      )}
    </Live>
  );
}
