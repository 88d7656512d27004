/**
 * Which of our certificates the metadata document and the JWKS publish at an instant (docs/protocol.md §1.1, §7,
 * §11): the current and previous certificates while valid (NotAfter > now), and a staged roll certificate
 * from the moment it is staged, so partners learn it before it signs anything.
 */
import type { SigningMaterial, SigningMaterialEntry } from '../certificates/signing-material.ts';

/** The entries to publish, current first (SharePoint's TokenHelper takes `keys[0]`), without duplicates. */
export function publishedCertificates(material: SigningMaterial, now: Date): SigningMaterialEntry[] {
  const candidates = [material.current, material.previous, material.staged];
  const seen = new Set<string>();
  const out: SigningMaterialEntry[] = [];
  for (const entry of candidates) {
    if (entry === null || entry.notAfter.getTime() <= now.getTime()) continue;
    if (seen.has(entry.thumbprint)) continue;
    seen.add(entry.thumbprint);
    out.push(entry);
  }
  return out;
}
