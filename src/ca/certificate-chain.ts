/** Chain building for imported responses: orders leaf → issuers and drops unrelated certificates. */
import { thumbprintOf, x509 } from './x509.ts';

/** A certificate parsed once, with its DER and thumbprint. */
export interface ParsedCertificate {
  readonly der: Buffer;
  readonly thumbprint: string;
  readonly cert: x509.X509Certificate;
}

/** Parses DER certificates. */
export function parseCertificates(ders: readonly Uint8Array[]): ParsedCertificate[] {
  return ders.map((der) => ({
    der: Buffer.from(der),
    thumbprint: thumbprintOf(der),
    cert: new x509.X509Certificate(new Uint8Array(der)),
  }));
}

/** True when `parent` issued `child`: names match and the signature verifies (RFC 5280 §6.1.3). */
export async function isIssuedBy(
  child: x509.X509Certificate,
  parent: x509.X509Certificate,
): Promise<boolean> {
  if (child.issuer !== parent.subject) return false;
  return child.verify({ publicKey: parent.publicKey, signatureOnly: true }).catch(() => false);
}

/** True for a self-signed certificate. */
export async function isSelfSigned(cert: x509.X509Certificate): Promise<boolean> {
  return isIssuedBy(cert, cert);
}

/** The result of ordering a response. */
export interface OrderedChain {
  /** Issuers of the leaf, leaf's issuer first, as far as the candidates go. */
  readonly chain: ParsedCertificate[];
  /** Candidates that are not on the leaf's path. */
  readonly unrelated: ParsedCertificate[];
  /** True when the last certificate of leaf + chain is self-signed. */
  readonly reachesRoot: boolean;
}

/** Walks from `leaf` up through `candidates` (any order), following verified signatures. */
export async function orderChain(
  leaf: ParsedCertificate,
  candidates: readonly ParsedCertificate[],
): Promise<OrderedChain> {
  const pool = candidates.filter((c) => c.thumbprint !== leaf.thumbprint);
  const chain: ParsedCertificate[] = [];
  let current = leaf;
  for (let depth = 0; depth < 10; depth++) {
    if (await isSelfSigned(current.cert)) break;
    const next = await findIssuer(
      current,
      pool.filter((c) => !chain.includes(c)),
    );
    if (!next) break;
    chain.push(next);
    current = next;
  }
  const unrelated = pool.filter((c) => !chain.includes(c));
  return { chain, unrelated, reachesRoot: await isSelfSigned(current.cert) };
}

async function findIssuer(
  child: ParsedCertificate,
  pool: readonly ParsedCertificate[],
): Promise<ParsedCertificate | undefined> {
  for (const candidate of pool) if (await isIssuedBy(child.cert, candidate.cert)) return candidate;
  return undefined;
}
