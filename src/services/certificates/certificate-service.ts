/**
 * Certificates of the deployment (Import/Get/Set/Remove-CsCertificate; docs/protocol.md §5.4 and §7): import,
 * assign, roll, un-assign, list, export, delete, and the signing material other modules sign with.
 * Every change is one store batch with expectations, so two administrators racing never half-apply.
 */
import { createPrivateKey } from 'node:crypto';
import {
  assignedThumbprints,
  certificateError,
  checkAssignment,
  describeCertificate,
  emptyAssignment,
  expiresSoon,
  expiryWarnings,
  GLOBAL_IDENTITY,
  removeAssignment,
  resolveAssignment,
  setCurrent,
  stageRoll,
  writePfx,
} from '../../core/certificates/index.ts';
import { sharedError } from '../../core/index.ts';
import type {
  AnyUsage,
  CertificateAssignment,
  CertificateIdentity,
  CertificateInfo,
  CertificateRecord,
  CertificateUsage,
  SigningMaterial,
} from '../../core/certificates/index.ts';
import type { Warning } from '../../core/index.ts';
import type { WriteOperation } from '../../store/document-store.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { readCertificateFileOffThread } from './certificate-file-reader.ts';
import {
  assignmentKey,
  CertificateDocuments,
  normalizeThumbprint,
  parseIdentity,
  parseUsages,
} from './certificate-documents.ts';
import { assignmentView, CertificateInfoCache, listEntry } from './certificate-views.ts';
import type { CertificateAssignmentView, CertificateListEntry } from './certificate-views.ts';
import { SigningMaterialSource } from './signing-material-source.ts';

export type { CertificateAssignmentView, CertificateListEntry } from './certificate-views.ts';

/** How a certificate is assigned (set, or import with --type). */
export interface AssignOptions {
  /** Usage names (case-insensitive; comma-separated entries allowed). */
  readonly usages?: readonly string[];
  readonly identity?: string;
  readonly roll?: boolean;
  readonly effectiveDate?: Date;
  /**
   * Assign only where no certificate is current yet: a current one refuses the whole import with
   * ERR_STORE_CONFLICT (nothing written). Bootstrap of pool nodes started together uses it, so a node
   * that lost the race never replaces the winner's certificate (docs/server.md "Bootstrap").
   */
  readonly onlyIfUnassigned?: boolean;
}

/** `certificate import`. */
export interface ImportCertificateRequest extends AssignOptions {
  readonly file: Buffer;
  readonly keyFile?: Buffer;
  readonly fileName?: string;
  readonly password?: string;
  readonly exportable?: boolean;
  readonly friendlyName?: string;
}

/** What import did. `caResponse` is set when the file completed an offline certificate request. */
export interface ImportCertificateResult {
  readonly thumbprint: string;
  readonly created: boolean;
  readonly certificate: CertificateListEntry | null;
  readonly assignments: CertificateAssignmentView[];
  readonly warnings: Warning[];
  readonly caResponse?: unknown;
}

/** What set / remove did. */
export interface AssignmentChange {
  readonly assignments: CertificateAssignmentView[];
  readonly warnings: Warning[];
}

interface Planned {
  ops: WriteOperation[];
  assignments: CertificateAssignment[];
  warnings: Warning[];
}

export class CertificateService {
  protected readonly deps: ServiceDeps;
  readonly #documents: CertificateDocuments;
  readonly #infos = new CertificateInfoCache();
  readonly #material: SigningMaterialSource;

  constructor(deps: ServiceDeps) {
    this.deps = deps;
    this.#documents = new CertificateDocuments(deps.store);
    this.#material = new SigningMaterialSource(this.#documents, deps.secretBox, deps.store);
  }

  /** Import-CsCertificate: stores the certificate (key sealed) and, with usages, assigns it in the same batch. */
  async import(request: ImportCertificateRequest): Promise<ImportCertificateResult> {
    const usages = parseUsages(request.usages ?? []);
    const identity = parseIdentity(request.identity);
    checkRollOptions(request);
    const contents = await readCertificateFileOffThread({
      bytes: request.file,
      ...(request.keyFile ? { keyBytes: request.keyFile } : {}),
      ...(request.password !== undefined ? { password: request.password } : {}),
      ...(request.fileName ? { fileName: request.fileName } : {}),
    });
    if (!contents.privateKey && usages.length === 0)
      return this.#importWithoutKey([contents.certificate, ...contents.chain]);
    const info = describeCertificate(contents.certificate);
    const existing = await this.#documents.record(info.thumbprint);
    const hasKey = contents.privateKey !== null || existing?.body.privateKey !== undefined;
    const record =
      existing && (existing.body.privateKey || !contents.privateKey)
        ? existing.body
        : this.#newRecord(info, contents, request);
    const plan = await this.#planAssignments(info, hasKey, usages, identity, request);
    const ops: WriteOperation[] = [
      {
        op: 'put',
        kind: 'certificate',
        key: info.thumbprint,
        body: record,
        expect: existing ? existing.version : 'absent',
      },
      ...plan.ops,
    ];
    await this.deps.store.write(ops, this.#context());
    const warnings =
      usages.length === 0
        ? [...expiryWarnings(info, this.deps.clock.now()), ...plan.warnings]
        : plan.warnings;
    return {
      thumbprint: info.thumbprint,
      created: !existing,
      certificate: listEntry(record, info, []),
      assignments: await this.#views(plan.assignments),
      warnings: dedupeWarnings(warnings),
    };
  }

  async #importWithoutKey(certificates: Buffer[]): Promise<ImportCertificateResult> {
    const ca = this.deps.ports.caResponses;
    if (ca) {
      const caResponse = await ca.importResponse({ certificates });
      const info = describeCertificate(certificates[0]!);
      return {
        thumbprint: info.thumbprint,
        created: true,
        certificate: null,
        assignments: [],
        // The response's own warnings (status, dropped extensions) are the operator's to see.
        warnings: [...(caResponse.warnings ?? [])],
        caResponse,
      };
    }
    throw certificateError(
      'ERR_CERTIFICATE_NO_PRIVATE_KEY',
      'the file holds no private key: import the PFX exported with its key, or name a certificate-only usage',
    );
  }

  #newRecord(
    info: CertificateInfo,
    contents: {
      certificate: Buffer;
      chain: Buffer[];
      privateKey: Buffer | null;
      friendlyName: string | null;
    },
    request: ImportCertificateRequest,
  ): CertificateRecord {
    const friendlyName = request.friendlyName ?? contents.friendlyName ?? defaultFriendlyName(info);
    const record: CertificateRecord = {
      thumbprint: info.thumbprint,
      certificate: contents.certificate.toString('base64'),
      chain: contents.chain.map((c) => c.toString('base64')),
      exportable: request.exportable === true && contents.privateKey !== null,
      friendlyName,
      source: 'import',
      addedAt: this.deps.clock.now().toISOString(),
      ...(contents.privateKey
        ? { privateKey: this.deps.secretBox().seal(contents.privateKey, info.thumbprint) }
        : {}),
    };
    return record;
  }

  /** Set-CsCertificate: assigns a known certificate now, or stages a roll at an effective date. */
  async set(options: AssignOptions & { readonly thumbprint: string }): Promise<AssignmentChange> {
    const usages = parseUsages(options.usages ?? []);
    if (usages.length === 0)
      throw certificateError('ERR_CERTIFICATE_USAGE_UNKNOWN', 'name at least one usage');
    const identity = parseIdentity(options.identity);
    checkRollOptions(options);
    const doc = await this.#documents.requireRecord(normalizeThumbprint(options.thumbprint));
    const info = this.#infos.of(doc.body);
    const plan = await this.#planAssignments(
      info,
      doc.body.privateKey !== undefined,
      usages,
      identity,
      options,
    );
    // Re-putting the record at its version makes a concurrent `delete` of it conflict instead of dangling.
    const touch: WriteOperation = {
      op: 'put',
      kind: 'certificate',
      key: doc.key,
      body: doc.body,
      expect: doc.version,
    };
    await this.deps.store.write([touch, ...plan.ops], this.#context());
    return { assignments: await this.#views(plan.assignments), warnings: dedupeWarnings(plan.warnings) };
  }

  async #planAssignments(
    info: CertificateInfo,
    hasKey: boolean,
    usages: AnyUsage[],
    identity: CertificateIdentity,
    options: AssignOptions,
  ): Promise<Planned> {
    const now = this.deps.clock.now();
    const config = (await this.deps.ports.oauth.find())?.body;
    const plan: Planned = { ops: [], assignments: [], warnings: [] };
    for (const usage of usages) {
      const doc = await this.#documents.assignment(identity, usage);
      if (options.onlyIfUnassigned === true && doc !== undefined && resolveAssignment(doc.body, now).current)
        throw sharedError(
          'ERR_STORE_CONFLICT',
          `${usage} is already assigned for ${identity}: nothing was imported`,
          { usage, identity },
        );
      const before = doc?.body ?? emptyAssignment(usage, identity);
      plan.warnings.push(
        ...checkAssignment({
          info,
          hasPrivateKey: hasKey,
          usage,
          identity,
          now,
          sha1Policy: config?.sha1CertificatePolicy ?? 'warn',
          ...(config ? { realm: config.realm } : {}),
          ...(options.roll && options.effectiveDate
            ? {
                effectiveDate: options.effectiveDate,
                hasCurrent: resolveAssignment(before, now).current !== null,
              }
            : {}),
          hostNames: tlsHostNames(config?.hostNames ?? [], identity),
        }),
      );
      const result =
        options.roll && options.effectiveDate
          ? stageRoll(before, info.thumbprint, options.effectiveDate, now)
          : setCurrent(before, info.thumbprint, now);
      if (result.cancelledStaged)
        plan.warnings.push({
          code: 'WARN_CERTIFICATE_STAGED_CANCELLED',
          message: `a staged ${usage} roll was replaced`,
          details: { usage, identity },
        });
      plan.ops.push({
        op: 'put',
        kind: 'assignment',
        key: assignmentKey(identity, usage),
        body: result.assignment,
        expect: doc ? doc.version : 'absent',
      });
      plan.assignments.push(result.assignment);
    }
    return plan;
  }

  /** Remove-CsCertificate: un-assigns the usages (or only their previous certificate); certificates stay known. */
  async remove(options: {
    readonly usages: readonly string[];
    readonly identity?: string;
    readonly previous?: boolean;
  }): Promise<AssignmentChange> {
    const usages = parseUsages(options.usages);
    if (usages.length === 0)
      throw certificateError('ERR_CERTIFICATE_USAGE_UNKNOWN', 'name at least one usage');
    const identity = parseIdentity(options.identity);
    const now = this.deps.clock.now();
    const ops: WriteOperation[] = [];
    const kept: CertificateAssignment[] = [];
    for (const usage of usages) {
      const doc = await this.#documents.assignment(identity, usage);
      const next = removeAssignment(doc?.body ?? null, options.previous === true, now);
      const key = assignmentKey(identity, usage);
      if (next) kept.push(next);
      ops.push(
        next
          ? { op: 'put', kind: 'assignment', key, body: next, expect: doc!.version }
          : { op: 'delete', kind: 'assignment', key, expect: doc!.version },
      );
    }
    await this.deps.store.write(ops, this.#context());
    return { assignments: await this.#views(kept), warnings: [] };
  }

  /** Get-CsCertificate: every assigned usage (optionally one usage / one identity), resolved at now. */
  async get(
    options: { readonly usage?: string; readonly identity?: string } = {},
  ): Promise<{ assignments: CertificateAssignmentView[]; warnings: Warning[] }> {
    const usage = options.usage === undefined ? undefined : parseUsages([options.usage])[0];
    const identity = options.identity === undefined ? undefined : parseIdentity(options.identity);
    const docs = (await this.#documents.assignments(identity)).filter(
      (d) => usage === undefined || d.body.usage === usage,
    );
    const now = this.deps.clock.now();
    const views = await this.#views(docs.map((d) => resolveAssignment(d.body, now)));
    const warnings = views.flatMap((v) =>
      v.NotAfter && expiresSoon(new Date(v.NotAfter), now)
        ? [
            {
              code: 'WARN_CERTIFICATE_EXPIRES_SOON',
              message: `the ${v.Use} certificate ${v.Thumbprint} expires on ${v.NotAfter}`,
            },
          ]
        : [],
    );
    return { assignments: views, warnings };
  }

  /** Every certificate in the store, assigned or not. */
  async list(): Promise<CertificateListEntry[]> {
    const now = this.deps.clock.now();
    const uses = new Map<string, string[]>();
    for (const doc of await this.#documents.assignments()) {
      const a = resolveAssignment(doc.body, now);
      const add = (t: string | null, role: string) =>
        t && uses.set(t, [...(uses.get(t) ?? []), `${a.identity}/${a.usage} (${role})`]);
      add(a.current, 'current');
      add(a.previous, 'previous');
      add(a.staged?.thumbprint ?? null, 'staged');
    }
    return (await this.#documents.records()).map((d) =>
      listEntry(d.body, this.#infos.of(d.body), uses.get(d.key) ?? []),
    );
  }

  /** Writes the certificate, chain and private key as a password-protected PFX (only when exportable). */
  async export(options: {
    readonly thumbprint: string;
    readonly password: string | undefined;
    readonly legacy?: boolean;
  }): Promise<Buffer> {
    const doc = await this.#documents.requireRecord(normalizeThumbprint(options.thumbprint));
    const record = doc.body;
    if (!record.exportable || !record.privateKey) {
      throw certificateError(
        'ERR_CERTIFICATE_NOT_EXPORTABLE',
        `certificate ${record.thumbprint} was not imported as exportable`,
        { thumbprint: record.thumbprint },
      );
    }
    if (!options.password || options.password.length < 8) {
      throw certificateError(
        'ERR_CERTIFICATE_PASSWORD_REQUIRED',
        'exporting a private key needs a password of at least 8 characters',
      );
    }
    const privateKey = this.deps.secretBox().open(record.privateKey, record.thumbprint);
    try {
      createPrivateKey({ key: privateKey, format: 'der', type: 'pkcs8' });
      return writePfx({
        certificate: Buffer.from(record.certificate, 'base64'),
        chain: record.chain.map((c) => Buffer.from(c, 'base64')),
        privateKey,
        password: options.password,
        friendlyName: record.friendlyName,
        legacy: options.legacy === true,
      });
    } finally {
      privateKey.fill(0);
    }
  }

  /** Deletes a certificate; refused while any usage refers to it (current, previous or staged). */
  async delete(options: { readonly thumbprint: string }): Promise<void> {
    const doc = await this.#documents.requireRecord(normalizeThumbprint(options.thumbprint));
    const users = (await this.#documents.assignments()).filter((a) =>
      assignedThumbprints(a.body).includes(doc.key),
    );
    if (users.length > 0) {
      throw certificateError(
        'ERR_CERTIFICATE_IN_USE',
        `certificate ${doc.key} is assigned to ${users.map((u) => u.key).join(', ')}`,
        { assignments: users.map((u) => u.key) },
      );
    }
    await this.deps.store.write(
      [{ op: 'delete', kind: 'certificate', key: doc.key, expect: doc.version }],
      this.#context(),
    );
  }

  /**
   * The certificates a usage signs / serves with, resolved at the clock's now. A node identity without an
   * assignment of its own falls back to the global one. The returned objects are shared: do not mutate.
   */
  async signingMaterial(
    usage: CertificateUsage,
    identity: CertificateIdentity = GLOBAL_IDENTITY,
  ): Promise<SigningMaterial> {
    // Cached per store version (signing-material-source.ts); the clock alone picks current/previous/staged.
    return this.#material.material(usage, identity, this.deps.clock.now());
  }

  async #views(assignments: CertificateAssignment[]): Promise<CertificateAssignmentView[]> {
    const records = new Map<string, CertificateRecord>();
    for (const t of new Set(assignments.flatMap(assignedThumbprints))) {
      const doc = await this.#documents.record(t);
      if (doc) records.set(t, doc.body);
    }
    return assignments.map((a) => assignmentView(a, records, this.#infos));
  }

  #context() {
    return { actor: `node:${this.deps.nodeName}` };
  }
}

function checkRollOptions(options: AssignOptions): void {
  if ((options.roll === true) !== (options.effectiveDate !== undefined)) {
    throw certificateError(
      'ERR_CERTIFICATE_ROLL_DATE_REQUIRED',
      options.roll ? 'a roll needs an effective date' : 'an effective date applies only to a roll',
    );
  }
  if (options.effectiveDate && Number.isNaN(options.effectiveDate.getTime())) {
    throw certificateError(
      'ERR_CERTIFICATE_ROLL_DATE_REQUIRED',
      'the effective date is not a valid ISO 8601 date',
    );
  }
}

function defaultFriendlyName(info: CertificateInfo): string {
  const cn = /CN=([^,]+)/.exec(info.subject)?.[1];
  return `${cn ?? info.thumbprint} ${info.notAfter.toISOString().slice(0, 10)}`;
}

function dedupeWarnings(warnings: Warning[]): Warning[] {
  return warnings.filter(
    (w, i) => warnings.findIndex((o) => o.code === w.code && o.message === w.message) === i,
  );
}

/** The host names a TLS certificate assigned at `identity` must cover: the deployment's, and a server's own FQDN. */
function tlsHostNames(hostNames: readonly string[], identity: CertificateIdentity): string[] {
  return identity === GLOBAL_IDENTITY ? [...hostNames] : [identity, ...hostNames];
}
