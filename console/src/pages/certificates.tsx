/**
 * Certificates (docs/console.md "Certificates"): every certificate with its assignments, import of PFX/PEM,
 * assignment (set) with an optional roll at an effective date — warned when it is under 24 hours ahead, since
 * partners may cache our metadata that long — and removal of the previous certificate of a usage.
 */
import { useState } from 'preact/hooks';
import { call } from '../api.ts';
import { bytes, date, readAsBase64 } from '../files.ts';
import { canChange } from '../roles.ts';
import {
  Card,
  Check,
  ErrorBox,
  Field,
  Outcome,
  PageHeading,
  Select,
  Status,
  Table,
  useLoad,
  when,
} from '../ui.tsx';

export const USAGES = ['OAuthTokenIssuer', 'Default', 'WebServicesInternal', 'WebServicesExternal'] as const;
const LEAD_MS = 24 * 3600 * 1000;

interface CertificateEntry {
  thumbprint: string;
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  keySize: number;
  friendlyName: string;
  hasPrivateKey: boolean;
  exportable: boolean;
  assignedTo: string[];
}

export function Certificates(props: { role: string }) {
  const list = useLoad(() => call<CertificateEntry[]>('certificates.list'), []);
  const writable = canChange(props.role, 'certificates');
  return (
    <>
      <PageHeading>Certificates</PageHeading>
      <ErrorBox error={list.error} />
      <Card title="Known certificates">
        <Table
          caption="Certificates in the central store with their assignments"
          columns={['Subject', 'Thumbprint', 'Valid until', 'Key', 'Assigned to']}
          empty="No certificate yet."
          rows={(list.data ?? []).map((c) => (
            <tr key={c.thumbprint}>
              <td>
                {c.subject}
                {c.friendlyName ? <div class="hint">{c.friendlyName}</div> : null}
              </td>
              <td>
                <code>{c.thumbprint}</code>
              </td>
              <td>{when(c.notAfter)}</td>
              <td>
                RSA {c.keySize}{' '}
                {c.hasPrivateKey ? (
                  <Status kind="ok">private key</Status>
                ) : (
                  <Status kind="bad">no private key</Status>
                )}
              </td>
              <td>{c.assignedTo.join(', ') || '—'}</td>
            </tr>
          ))}
        />
      </Card>
      {writable ? (
        <>
          <ImportForm onDone={list.reload} />
          <AssignForm certificates={list.data ?? []} onDone={list.reload} />
          <RemovePreviousForm onDone={list.reload} />
        </>
      ) : null}
    </>
  );
}

function ImportForm(props: { onDone: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [keyFile, setKeyFile] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [usage, setUsage] = useState('');
  const [exportable, setExportable] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  return (
    <Card title="Import a certificate">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!file) return;
          setError(null);
          setDone('');
          const secret = password;
          setPassword('');
          void (async () => {
            try {
              const r = await call<{ thumbprint: string }>('certificates.import', {
                file: bytes(await readAsBase64(file)),
                fileName: file.name,
                ...(keyFile ? { keyFile: bytes(await readAsBase64(keyFile)) } : {}),
                ...(secret ? { password: secret } : {}),
                ...(usage ? { usages: [usage] } : {}),
                exportable,
              });
              setDone(`Imported ${r.thumbprint}${usage ? ` and assigned to ${usage}` : ''}.`);
              props.onDone();
            } catch (err) {
              setError(err);
            }
          })();
        }}
      >
        <div class="field">
          <label for="f-import-file">Certificate file (PFX, PEM or DER)</label>
          <input
            id="f-import-file"
            type="file"
            required
            onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)}
          />
        </div>
        <div class="field">
          <label for="f-import-key">Private key file (PEM, optional)</label>
          <input
            id="f-import-key"
            type="file"
            onChange={(e) => setKeyFile((e.target as HTMLInputElement).files?.[0] ?? null)}
          />
        </div>
        <Field
          label="PFX password (if any)"
          name="import-password"
          type="password"
          value={password}
          onInput={setPassword}
        />
        <Select
          label="Assign to usage"
          name="import-usage"
          value={usage}
          options={[['', 'Do not assign'], ...USAGES.map((u) => [u, u] as const)]}
          onChange={setUsage}
        />
        <Check
          label="Private key exportable"
          name="import-exportable"
          checked={exportable}
          onChange={setExportable}
        />
        <Outcome error={error} notice={done} />
        <div class="actions">
          <button type="submit">Import</button>
        </div>
      </form>
    </Card>
  );
}

function AssignForm(props: { certificates: CertificateEntry[]; onDone: () => void }) {
  const [thumbprint, setThumbprint] = useState('');
  const [usage, setUsage] = useState<string>('OAuthTokenIssuer');
  const [roll, setRoll] = useState(false);
  const [effective, setEffective] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  const effectiveMs = effective ? Date.parse(effective) : NaN;
  const tooSoon = roll && !Number.isNaN(effectiveMs) && effectiveMs - Date.now() < LEAD_MS;
  const chosen = thumbprint || props.certificates[0]?.thumbprint || '';
  return (
    <Card title="Assign or roll a certificate">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          setDone('');
          call('certificates.set', {
            thumbprint: chosen,
            usages: [usage],
            ...(roll
              ? {
                  roll: true,
                  ...(effective ? { effectiveDate: date(new Date(effective).toISOString()) } : {}),
                }
              : {}),
          }).then(() => {
            setDone(
              roll
                ? `Rolled: ${usage} switches to ${chosen} at ${effective || 'once published'}.`
                : `Assigned to ${usage}.`,
            );
            props.onDone();
          }, setError);
        }}
      >
        <Select
          label="Certificate"
          name="assign-thumbprint"
          value={chosen}
          options={props.certificates.map(
            (c) => [c.thumbprint, `${c.subject} (${c.thumbprint.slice(0, 12)}…)`] as const,
          )}
          onChange={setThumbprint}
        />
        <Select label="Usage" name="assign-usage" value={usage} options={USAGES} onChange={setUsage} />
        <Check
          label="Roll: keep the current certificate until the effective date"
          name="assign-roll"
          checked={roll}
          onChange={setRoll}
        />
        {roll ? (
          <Field
            label="Effective date (UTC)"
            name="assign-effective"
            type="datetime-local"
            value={effective}
            onInput={setEffective}
            hint="Partners may cache this server's metadata for up to 24 hours: choose at least 24 hours ahead."
          />
        ) : null}
        {tooSoon ? (
          <p class="warning" role="status">
            The effective date is less than 24 hours ahead: partners that cached the metadata may refuse
            tokens signed with the new certificate until they refresh.
          </p>
        ) : null}
        <Outcome error={error} notice={done} />
        <div class="actions">
          <button type="submit" disabled={!chosen}>
            {roll ? 'Roll' : 'Assign'}
          </button>
        </div>
      </form>
    </Card>
  );
}

function RemovePreviousForm(props: { onDone: () => void }) {
  const [usage, setUsage] = useState<string>('OAuthTokenIssuer');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  return (
    <Card title="Remove the previous certificate">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          call('certificates.remove', { usages: [usage], previous: true }).then(() => {
            setDone(`The previous ${usage} certificate is no longer assigned.`);
            props.onDone();
          }, setError);
        }}
      >
        <Select label="Usage" name="remove-usage" value={usage} options={USAGES} onChange={setUsage} />
        <Outcome error={error} notice={done} />
        <div class="actions">
          <button type="submit" class="danger">
            Remove previous
          </button>
        </div>
      </form>
    </Card>
  );
}
