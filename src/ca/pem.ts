/** PEM armour (RFC 7468): apart from x509.ts so that printing a PEM loads no X.509 library. */

/** Base64 DER → PEM with the given label. */
export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n')
    .replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
