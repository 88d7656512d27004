/**
 * Writes an issued certificate into the deployment: the `certificate` document (CertificateRecord shape,
 * private key sealed with AAD = thumbprint) and, unless --no-assign, the `assignment` documents that make
 * it current for its usages (Set-CsCertificate semantics: old current becomes previous; docs/protocol.md §5.4).
 */
import type { KeyObject } from 'node:crypto';
import { GLOBAL_IDENTITY, emptyAssignment, setCurrent } from '../../core/index.ts';
import type { AnyUsage, CertificateAssignment, CertificateRecord } from '../../core/index.ts';
import type { WriteOperation } from '../../store/document-store.ts';
import type { ParsedCertificate } from '../../ca/index.ts';
import type { ServiceDeps } from '../service-deps.ts';

/** The scope a usage is assigned at: OAuthTokenIssuer is global (replicated), others belong to this node. */
export function identityForUsage(usage: string, nodeName: string): string {
  return usage === 'OAuthTokenIssuer' ? GLOBAL_IDENTITY : nodeName;
}

export interface InstallInput {
  readonly leaf: ParsedCertificate;
  readonly chain: readonly ParsedCertificate[];
  readonly privateKey: KeyObject;
  readonly exportable: boolean;
  readonly friendlyName: string;
  /** Usages to assign (empty: install only). */
  readonly assignTo: readonly string[];
}

/** Builds the write operations that install (and assign) a certificate. */
export async function installOperations(deps: ServiceDeps, input: InstallInput): Promise<WriteOperation[]> {
  const now = deps.clock.now().toISOString();
  const pkcs8 = input.privateKey.export({ format: 'der', type: 'pkcs8' });
  const record: CertificateRecord = {
    thumbprint: input.leaf.thumbprint,
    certificate: input.leaf.der.toString('base64'),
    chain: input.chain.map((c) => c.der.toString('base64')),
    privateKey: deps.secretBox().seal(pkcs8, input.leaf.thumbprint),
    exportable: input.exportable,
    friendlyName: input.friendlyName,
    source: 'request',
    addedAt: now,
  };
  const ops: WriteOperation[] = [
    { op: 'put', kind: 'certificate', key: record.thumbprint, body: record, expect: 'absent' },
  ];
  for (const usage of input.assignTo) ops.push(await assignmentOperation(deps, usage, record.thumbprint));
  return ops;
}

async function assignmentOperation(
  deps: ServiceDeps,
  usage: string,
  thumbprint: string,
): Promise<WriteOperation> {
  const identity = identityForUsage(usage, deps.nodeName);
  const key = `${identity}/${usage}`;
  const existing = await deps.store.get<CertificateAssignment>('assignment', key);
  // The same transition as `certificate set` (a due roll is applied first; a pending one is superseded).
  const { assignment } = setCurrent(
    existing?.body ?? emptyAssignment(usage as AnyUsage, identity),
    thumbprint,
    deps.clock.now(),
  );
  return {
    op: 'put',
    kind: 'assignment',
    key,
    body: assignment,
    expect: existing ? existing.version : 'absent',
  };
}
