/**
 * Whether a CA kept the DNS names the request asked for. `openssl x509 -req` without
 * `-copy_extensions copy` (OpenSSL 3) drops every extension of the request, which produces a certificate
 * that imports fine and then fails TLS clients for the names it lost.
 */
import { x509 } from './x509.ts';

/** The requested DNS names the issued certificate does not list (case-insensitive); empty when none. */
export function droppedNames(cert: x509.X509Certificate, requestedNames: readonly string[]): string[] {
  const san = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const names = new Set(
    (san?.names.items ?? []).filter((n) => n.type === 'dns').map((n) => n.value.toLowerCase()),
  );
  return requestedNames.filter((n) => !names.has(n.toLowerCase()));
}
