/** Orders an issuer chain: from the leaf, each certificate's issuer next; unrelated certificates last. */
import type { X509Certificate } from 'node:crypto';

/** The chain of `leaf` among `pool`, leaf's issuer first; certificates not on the path follow in input order. */
export function orderChain(leaf: X509Certificate, pool: readonly X509Certificate[]): X509Certificate[] {
  const remaining = [...pool];
  const ordered: X509Certificate[] = [];
  let current = leaf;
  for (;;) {
    if (current.checkIssued(current)) break; // self-signed: the root
    const index = remaining.findIndex(
      (candidate) => current.checkIssued(candidate) && current.verify(candidate.publicKey),
    );
    if (index < 0) break;
    current = remaining.splice(index, 1)[0]!;
    ordered.push(current);
  }
  return [...ordered, ...remaining];
}
