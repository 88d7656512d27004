/**
 * Gets the successor of a certificate from its renewal source (docs/renewal.md "What a successor is"): a new
 * key of the same algorithm and length, a PKCS#10 request for the same subject and alternative names, sent
 * through the CA-issuer port; the answer is checked (its key is ours, it outlives the current certificate,
 * it passes the usage's rules) before anything is stored. The key never leaves the process unsealed.
 */
import type { KeyObject } from 'node:crypto';
import {
  certificateError,
  checkAssignment,
  describeCertificate,
  renewalPasswordAad,
  S2sError,
} from '../../core/index.ts';
import type {
  CertificateInfo,
  CertificateRecord,
  CertificateUsage,
  RenewalPolicy,
  Warning,
} from '../../core/index.ts';
import {
  createRequest,
  generateKeyPair,
  orderChain,
  parseCertificates,
  parseResponseFile,
  publicKeyId,
  WEB_SERVER_TEMPLATE,
} from '../../ca/index.ts';
import type { KeySpec, ParsedCertificate } from '../../ca/index.ts';
import type { ServiceDeps } from '../service-deps.ts';

/** An issued successor, checked, with its key still in memory. */
export interface Successor {
  readonly leaf: ParsedCertificate;
  readonly info: CertificateInfo;
  readonly chain: readonly ParsedCertificate[];
  readonly privateKey: KeyObject;
  readonly warnings: readonly Warning[];
}

/** The key to generate: the current certificate's algorithm and length. */
export function successorKeySpec(info: CertificateInfo): KeySpec {
  if (info.keyAlgorithm === 'RSA') return { algorithm: 'RSA', size: info.keySize };
  if (info.keyAlgorithm === 'EC' && info.keySize === 256) return { algorithm: 'ECDSA_P256', size: 256 };
  throw certificateError(
    'ERR_CERTIFICATE_RENEWAL_FAILED',
    `the current certificate has a ${info.keyAlgorithm} ${info.keySize}-bit key; renewal generates RSA or ECDSA P-256 keys only`,
  );
}

/** Requests, receives and checks the successor of `current` for `usage`. */
export async function requestSuccessor(
  deps: ServiceDeps,
  input: {
    readonly usage: CertificateUsage;
    readonly identity: string;
    readonly current: CertificateRecord;
    readonly policy: RenewalPolicy;
    /** When the successor is meant to become current (its validity is checked there). */
    readonly effectiveDate: Date;
  },
): Promise<Successor> {
  const { policy } = input;
  const issuer = deps.ports.caIssuer;
  if (policy.source.kind === 'manual' || !issuer)
    throw certificateError(
      'ERR_CERTIFICATE_RENEWAL_FAILED',
      `no certification authority is available to renew ${input.usage}`,
    );
  const currentInfo = describeCertificate(Buffer.from(input.current.certificate, 'base64'));
  const keys = await generateKeyPair(successorKeySpec(currentInfo));
  const ipAddresses = currentInfo.alternativeNames.filter((n) => n.startsWith('ip:')).map((n) => n.slice(3));
  const csrPem = await createRequest(
    { subject: currentInfo.subject, dnsNames: currentInfo.dnsNames, ipAddresses },
    keys,
  );
  const password = policy.caPassword
    ? deps.secretBox().open(policy.caPassword, renewalPasswordAad(input.usage)).toString('utf8')
    : undefined;
  const chainPem = await issuer.submitCsr({
    target: policy.source,
    csrPem,
    template: policy.template ?? WEB_SERVER_TEMPLATE.name,
    account: policy.caAccount,
    password,
    acmeEmail: policy.acmeEmail,
  });
  return checkSuccessor(deps, input, currentInfo, keys.privateKey, keys.publicKey, chainPem);
}

async function checkSuccessor(
  deps: ServiceDeps,
  input: Parameters<typeof requestSuccessor>[1],
  currentInfo: CertificateInfo,
  privateKey: KeyObject,
  publicKey: KeyObject,
  chainPem: string,
): Promise<Successor> {
  const ours = publicKeyId(publicKey.export({ format: 'der', type: 'spki' }));
  let parsed: ParsedCertificate[];
  try {
    parsed = parseCertificates(parseResponseFile(Buffer.from(chainPem)));
  } catch (err) {
    throw failed(`the CA's answer holds no readable certificate (${(err as Error).message})`);
  }
  const leaf = parsed.find((c) => publicKeyId(new Uint8Array(c.cert.publicKey.rawData)) === ours);
  if (!leaf) throw failed("no certificate in the CA's answer carries the requested key");
  const info = describeCertificate(leaf.der);
  if (info.notAfter.getTime() <= currentInfo.notAfter.getTime())
    throw failed(
      `the issued certificate expires ${info.notAfter.toISOString()}, not after the current one (${currentInfo.notAfter.toISOString()})`,
    );
  const config = (await deps.ports.oauth.find())?.body;
  let warnings: Warning[];
  try {
    warnings = checkAssignment({
      info,
      hasPrivateKey: true,
      usage: input.usage,
      identity: input.identity,
      now: deps.clock.now(),
      effectiveDate: input.effectiveDate,
      hasCurrent: true,
      sha1Policy: config?.sha1CertificatePolicy ?? 'warn',
      ...(config ? { realm: config.realm } : {}),
      hostNames: [],
    });
  } catch (err) {
    throw failed(
      `the issued certificate does not fit ${input.usage}: ${err instanceof S2sError ? `${err.code} ${err.message}` : String(err)}`,
    );
  }
  const ordered = await orderChain(leaf, parsed);
  return { leaf, info, chain: ordered.chain, privateKey, warnings };
}

function failed(message: string): S2sError {
  return certificateError('ERR_CERTIFICATE_RENEWAL_FAILED', message);
}
