/**
 * The dashboard (docs/console.md "Dashboard"): realm and service name, pool nodes, certificates per usage
 * with an expiry timeline, partners and OAuth servers with metadata freshness, recent refusals by diagnostic
 * code, health as /readyz sees it. Live: polled every few seconds, so a change in the store shows without a
 * reload.
 */
import { get } from '../api.ts';
import { Card, ErrorBox, PageHeading, Status, Table, useLoad, when } from '../ui.tsx';

export interface DashboardData {
  readonly oauth: { realm: string; serviceName: string; hostNames: string[] } | null;
  readonly health: { status: string; reasons: string[] };
  readonly nodes: {
    node: string;
    lastSeen: string | null;
    replication: string;
    clockOffsetMs: number | null;
  }[];
  readonly certificates: {
    usage: string;
    state: string;
    thumbprint: string;
    subject: string;
    notAfter: string;
    notBefore: string;
    status: string;
  }[];
  readonly partners: {
    identity: string;
    kind: 'partner' | 'oauth-server';
    trustLevel: string | null;
    enabled: boolean;
    lastSuccess: string | null;
    lastError: string | null;
    lastErrorCode: string | null;
  }[];
  readonly refusals: { code: string; count: number; last: string | null }[];
  readonly now: string;
}

export const DASHBOARD_POLL_MS = 3000;

export function Dashboard() {
  const { data, error } = useLoad(() => get<DashboardData>('/dashboard'), [], DASHBOARD_POLL_MS);
  return (
    <>
      <PageHeading>Dashboard</PageHeading>
      <ErrorBox error={error} />
      {data ? <DashboardView data={data} /> : error ? null : <p>Loading…</p>}
    </>
  );
}

function healthKind(status: string): 'ok' | 'warn' | 'bad' {
  return status === 'ready' ? 'ok' : status === 'degraded' ? 'warn' : 'bad';
}

function DashboardView({ data }: { data: DashboardData }) {
  return (
    <div class="grid">
      <Card title="Deployment">
        <dl class="facts">
          <dt>Realm</dt>
          <dd>{data.oauth?.realm ?? 'not configured'}</dd>
          <dt>Service name</dt>
          <dd>
            <code>{data.oauth?.serviceName ?? '—'}</code>
          </dd>
          <dt>Host names</dt>
          <dd>{data.oauth?.hostNames.join(', ') || '—'}</dd>
          <dt>Health</dt>
          <dd>
            <Status kind={healthKind(data.health.status)}>{data.health.status}</Status>{' '}
            {data.health.reasons.join(', ')}
          </dd>
        </dl>
      </Card>
      <Card title="Pool nodes">
        <Table
          caption="Nodes that reported recently"
          columns={['Node', 'Last seen', 'Replication', 'Clock offset']}
          empty="No node has reported yet."
          rows={data.nodes.map((n) => (
            <tr key={n.node}>
              <td>{n.node}</td>
              <td>{when(n.lastSeen)}</td>
              <td>{n.replication}</td>
              <td>{n.clockOffsetMs === null ? '—' : `${n.clockOffsetMs} ms`}</td>
            </tr>
          ))}
        />
      </Card>
      <Card title="Certificates" wide>
        <Timeline data={data} />
        <Table
          caption="Certificates by usage"
          columns={['Usage', 'State', 'Subject', 'Expires', 'Status']}
          empty="No certificate is assigned. Start with the certificate wizard."
          rows={data.certificates.map((c) => (
            <tr key={`${c.usage}-${c.state}-${c.thumbprint}`}>
              <td>{c.usage}</td>
              <td>{c.state}</td>
              <td>
                {c.subject}
                <br />
                <code>{c.thumbprint}</code>
              </td>
              <td>{when(c.notAfter)}</td>
              <td>
                <Status kind={c.status === 'valid' ? 'ok' : c.status === 'expiring' ? 'warn' : 'bad'}>
                  {c.status}
                </Status>
              </td>
            </tr>
          ))}
        />
      </Card>
      <Card title="Partners and OAuth servers" wide>
        <Table
          caption="Trusted parties and their metadata freshness"
          columns={['Name', 'Kind', 'Trust', 'Last refresh', 'Last error']}
          empty="No partner application is trusted yet."
          rows={data.partners.map((p) => (
            <tr key={`${p.kind}-${p.identity}`}>
              <td>
                {p.identity} {p.enabled ? null : <Status kind="warn">disabled</Status>}
              </td>
              <td>{p.kind === 'partner' ? 'partner' : 'OAuth server'}</td>
              <td>{p.trustLevel ?? '—'}</td>
              <td>{when(p.lastSuccess)}</td>
              <td>{p.lastErrorCode ? <Status kind="bad">{p.lastErrorCode}</Status> : '—'}</td>
            </tr>
          ))}
        />
      </Card>
      <Card title="Recent refusals">
        <Table
          caption="Refused tokens since this server started, by diagnostic code"
          columns={['Diagnostic code', 'Count', 'Last']}
          empty="No token was refused."
          rows={data.refusals.map((r) => (
            <tr key={r.code}>
              <td>
                <code>{r.code}</code>
              </td>
              <td>{r.count}</td>
              <td>{when(r.last)}</td>
            </tr>
          ))}
        />
      </Card>
    </div>
  );
}

/** Validity of each certificate on one line from the earliest start to the latest end, with "now" marked. */
function Timeline({ data }: { data: DashboardData }) {
  const certs = data.certificates;
  if (certs.length === 0) return null;
  const start = Math.min(...certs.map((c) => Date.parse(c.notBefore)));
  const end = Math.max(...certs.map((c) => Date.parse(c.notAfter)));
  const span = Math.max(end - start, 1);
  const pos = (t: number) => `${(((t - start) / span) * 100).toFixed(2)}%`;
  const lanes = certs.slice(0, 6);
  return (
    <figure aria-label="Certificate validity timeline">
      <div class="timeline" style={{ height: `${lanes.length * 1.8 + 0.6}rem` }}>
        {lanes.map((c, i) => (
          <div
            key={`${c.usage}-${c.state}-${c.thumbprint}`}
            class="bar"
            style={{
              left: pos(Date.parse(c.notBefore)),
              width: `calc(${pos(Date.parse(c.notAfter))} - ${pos(Date.parse(c.notBefore))})`,
              top: `${0.3 + i * 1.8}rem`,
            }}
          >
            {c.usage} ({c.state}) until {c.notAfter.slice(0, 10)}
          </div>
        ))}
        <div class="now" style={{ left: pos(Date.parse(data.now)) }} title="now" />
      </div>
    </figure>
  );
}
