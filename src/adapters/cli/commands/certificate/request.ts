/**
 * `s2s certificate request` (Request-CsCertificate; docs/protocol.md §5.4, docs/ca.md): a new request online
 * (`--ca internal|<enrollment url>|acme+https://…`) or offline (`--output request.pem`), reviewed before it is
 * sent; and `--list | --retrieve | --clear --request-id N` for pending requests.
 */
import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { defineAction, example } from '../../cli-context.ts';
import type { ActionContext, CliEnvironment } from '../../cli-context.ts';
import { formatList } from '../../printer.ts';
import { sharedError } from '../../../../core/shared/shared-errors.ts';
import { caError } from '../../../../core/ca/ca-errors.ts';
import { caTargetText } from '../../../../ca/ca-target.ts';
import type { CaService, RequestOutcome, RequestPlan } from '../../../../services/index.ts';
import { readSecretFile } from '../ca/secret-file.ts';
import { createInterface } from 'node:readline/promises';
import { withProgress } from '../../progress.ts';

export interface RequestOptions {
  type?: string;
  ca?: string;
  caAccount?: string;
  caPasswordFile?: string;
  template?: string;
  output?: string;
  friendlyName?: string;
  keySize?: string;
  keyAlg?: string;
  exportable?: boolean;
  organization?: string;
  ou?: string;
  city?: string;
  state?: string;
  country?: string;
  sipDomain?: string[];
  allSipDomains?: boolean;
  domainName?: string;
  computerFqdn?: string;
  assign: boolean;
  yes?: boolean;
  acmeEmail?: string;
  list?: boolean;
  retrieve?: boolean;
  clear?: boolean;
  requestId?: string;
}

const commaList = (s: string | undefined) =>
  (s ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
const collect = (value: string, previous: string[] = []) => [...previous, ...commaList(value)];

/** Registers `certificate request` under the `certificate` noun. */
export function registerCertificateRequestCommand(certificate: Command, env: CliEnvironment): void {
  const cmd = certificate
    .command('request')
    .description('request a certificate from a CA (online or offline), or manage pending requests')
    .option(
      '--type <usages>',
      'usages, comma-separated: OAuthTokenIssuer, Default, WebServicesInternal, WebServicesExternal, …',
    )
    .option(
      '--ca <ca>',
      'online: `internal` (the built-in CA), an https:// enrollment URL, or acme+https://…/dir',
    )
    .option('--ca-account <name>', 'CA account for an enrollment URL')
    .option('--ca-password-file <path>', 'file holding the CA account password, or - for stdin')
    .option('--template <name>', 'certificate template name (default WebServer)')
    .option('--output <file>', 'offline: write the PKCS#10 request here (with --retrieve: write it again)')
    .option('--friendly-name <text>', 'friendly name (generated when blank)')
    .option('--key-size <bits>', 'RSA key size: 2048, 3072 or 4096', '2048')
    .option('--key-alg <alg>', 'RSA or ECDSA_P256', 'RSA')
    .option('--exportable', 'mark the private key exportable')
    .option('--organization <o>', 'organization (O)')
    .option('--ou <ou>', 'organizational unit (OU)')
    .option('--city <l>', 'city (L)')
    .option('--state <st>', 'state or province (ST)')
    .option('--country <c>', 'two-letter country code (C)')
    .option('--sip-domain <domain>', 'SIP domain(s) to include (repeatable or comma-separated)', collect)
    .option('--all-sip-domains', 'include the realm and every named SIP domain, not only the primary one')
    .option('--domain-name <names>', 'additional subject alternative names, comma-separated')
    .option('--computer-fqdn <fqdn>', 'node FQDN to name (default this node)')
    .option('--no-assign', 'install the certificate but do not assign it to its usages')
    .option('--yes', 'skip the review prompt')
    .option('--acme-email <address>', 'contact address for the ACME account')
    .option('--list', 'list pending requests')
    .option('--retrieve', 'show one pending request (with --request-id)')
    .option('--clear', 'delete one pending request and its key (with --request-id)')
    .option('--request-id <n>', 'pending request id')
    .action(
      defineAction<RequestOptions>(env, async (ctx) => {
        const { services } = await ctx.deployment();
        if (ctx.opts.list) return listPending(ctx, services.ca);
        if (ctx.opts.retrieve || ctx.opts.clear) return retrieveOrClear(ctx, services.ca);
        return newRequest(ctx, services.ca);
      }),
    );
  example(
    cmd,
    's2s certificate request --type OAuthTokenIssuer --ca internal --yes',
    's2s certificate request --type Default,WebServicesInternal --ca https://ca.contoso.com:8443 --ca-account enroller --ca-password-file ./pw --yes',
    's2s certificate request --type WebServicesExternal --ca acme+https://acme.example/dir --yes',
    's2s certificate request --type OAuthTokenIssuer --output request.pem --organization Contoso --country US --yes',
    's2s certificate request --list',
    's2s certificate request --clear --request-id 3',
  );
}

async function listPending(ctx: ActionContext<RequestOptions>, ca: CaService): Promise<void> {
  const requests = (await ca.listRequests()).map(({ csrPem: _pem, ...rest }) => rest);
  ctx.printer.result(
    { requests },
    () =>
      requests
        .map(
          (r) =>
            `${String(r.id).padStart(4)}  ${r.createdAt}  ${r.usages.join(',')}  ${r.subject}  ${r.target}`,
        )
        .join('\n') || 'no pending requests',
  );
}

async function retrieveOrClear(ctx: ActionContext<RequestOptions>, ca: CaService): Promise<void> {
  const id = Number(ctx.opts.requestId);
  if (ctx.opts.requestId === undefined || !Number.isInteger(id))
    throw sharedError('ERR_USAGE', '--retrieve and --clear need --request-id <n>');
  if (ctx.opts.clear) {
    const cleared = await ca.clearRequest(id);
    return ctx.printer.result(
      { cleared: cleared.id },
      () => `request ${cleared.id} and its private key deleted`,
    );
  }
  const request = await ca.retrieveRequest(id);
  if (ctx.opts.output) await writeFile(ctx.opts.output, request.csrPem);
  ctx.printer.result(
    { request },
    () =>
      `${formatList({ RequestId: request.id, Created: request.createdAt, Usages: request.usages, Subject: request.subject, SubjectAlternativeNames: request.dnsNames, FriendlyName: request.friendlyName, Target: request.target })}\n${ctx.opts.output ? `request written to ${ctx.opts.output}` : request.csrPem}`,
  );
}

async function newRequest(ctx: ActionContext<RequestOptions>, ca: CaService): Promise<void> {
  const o = ctx.opts;
  if (!o.type)
    throw sharedError('ERR_USAGE', 'name the usages with --type (or use --list, --retrieve, --clear)');
  if ((o.ca === undefined) === (o.output === undefined))
    throw sharedError('ERR_USAGE', 'give exactly one of --ca (online) or --output (offline request file)');
  if (o.keyAlg !== 'RSA' && o.keyAlg !== 'ECDSA_P256')
    throw sharedError('ERR_USAGE', '--key-alg must be RSA or ECDSA_P256');
  const plan = await ca.plan({
    usages: commaList(o.type),
    ca: o.ca,
    caAccount: o.caAccount,
    caPassword: o.caPasswordFile === undefined ? undefined : await readSecretFile(o.caPasswordFile, ctx.io),
    template: o.template,
    friendlyName: o.friendlyName,
    keySize: Number(o.keySize ?? '2048'),
    keyAlgorithm: o.keyAlg,
    exportable: o.exportable === true,
    organization: o.organization,
    organizationalUnit: o.ou,
    city: o.city,
    state: o.state,
    country: o.country,
    sipDomains: o.sipDomain,
    allSipDomains: o.allSipDomains === true,
    domainNames: commaList(o.domainName),
    computerFqdn: o.computerFqdn,
    assign: o.assign,
    acmeEmail: o.acmeEmail,
  });
  await review(ctx, plan);
  const outcome = await withProgress(
    ctx.io,
    ctx.printer.json,
    plan.target.kind === 'offline'
      ? 'Generating the key pair and the request file'
      : `Generating the key pair and requesting the certificate from ${caTargetText(plan.target)}`,
    () => ca.submit(plan),
  );
  if (outcome.kind === 'pending' && o.output) await writeFile(o.output, outcome.csrPem);
  report(ctx, outcome, o.output);
}

function planSummary(plan: RequestPlan): string {
  return formatList({
    Usages: plan.usages,
    Subject: plan.subject,
    SubjectAlternativeNames: plan.dnsNames,
    Key: `${plan.key.algorithm} ${plan.key.size}${plan.exportable ? ' (exportable)' : ''}`,
    FriendlyName: plan.friendlyName,
    CA: plan.target.kind === 'offline' ? 'offline request file' : caTargetText(plan.target),
    Template: plan.template,
    Assign: plan.assign ? 'yes' : 'no',
  });
}

/** Shows the plan and asks; without a terminal only --yes proceeds (ERR_CA_CONFIRMATION_REQUIRED). */
async function review(ctx: ActionContext<RequestOptions>, plan: RequestPlan): Promise<void> {
  if (ctx.opts.yes) return ctx.printer.info(planSummary(plan));
  if (ctx.io.stdout.isTTY !== true || ctx.printer.json) {
    throw caError(
      'ERR_CA_CONFIRMATION_REQUIRED',
      'the request must be reviewed before it is sent: repeat with --yes (no terminal to ask on)',
    );
  }
  ctx.io.stdout.write(`${planSummary(plan)}\n`);
  if (!(await confirmOnTerminal('Send this request? [y/N] ')))
    throw caError('ERR_CA_CONFIRMATION_REQUIRED', 'the request was not confirmed; nothing was sent');
}

function report(
  ctx: ActionContext<RequestOptions>,
  outcome: RequestOutcome,
  output: string | undefined,
): void {
  if (outcome.kind === 'pending') {
    const { csrPem: _pem, ...request } = outcome.request;
    return ctx.printer.result(
      { status: 'pending', request, output },
      () =>
        `request ${request.id} saved to ${output}; its private key stays encrypted in the store.\nSend the file to your CA, then: s2s certificate import --path <response file>`,
    );
  }
  const { result } = outcome;
  ctx.printer.warnAll(result.warnings);
  ctx.printer.result({ status: 'issued', requestId: outcome.request.id, result }, () =>
    formatList({
      Status: result.assigned.length > 0 ? 'Assigned' : 'Installed',
      Thumbprint: result.thumbprint,
      Subject: result.subject,
      NotAfter: result.notAfter,
      AssignedTo: result.assigned,
      Validity: result.status.explanation,
    }),
  );
}

/** Asks on the process terminal; true only for an explicit yes. */
async function confirmOnTerminal(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}
