/** Key rules per usage (docs/protocol.md §5.4: OAuthTokenIssuer needs RSA of at least 2048 bits). */
import { caError } from '../core/ca/ca-errors.ts';
import { sharedError } from '../core/shared/shared-errors.ts';
import type { KeySpec } from './key-pair.ts';
import { KEY_ALGORITHMS, RSA_KEY_SIZES } from './key-pair.ts';

/** Smallest RSA key the token issuer may sign with (Exchange refuses to sign with less; docs/protocol.md §5.4). */
export const MIN_TOKEN_ISSUER_RSA_BITS = 2048;
/** Default key length of a request (docs/ca.md, request step 4). */
export const DEFAULT_REQUEST_KEY_SIZE = 2048;

/** Checks a key spec against the usages it is requested for; throws the matching refusal. */
export function checkKeyForUsages(spec: KeySpec, usages: readonly string[]): void {
  if (!KEY_ALGORITHMS.includes(spec.algorithm)) {
    throw sharedError('ERR_INVALID_INPUT', `key algorithm must be one of ${KEY_ALGORITHMS.join(', ')}`, {
      field: 'keyAlg',
    });
  }
  if (spec.algorithm === 'RSA' && !(RSA_KEY_SIZES as readonly number[]).includes(spec.size)) {
    throw sharedError('ERR_INVALID_INPUT', `key size must be one of ${RSA_KEY_SIZES.join(', ')}`, {
      field: 'keySize',
    });
  }
  if (!usages.includes('OAuthTokenIssuer')) return;
  if (spec.algorithm !== 'RSA') {
    throw caError(
      'ERR_CA_KEY_ALGORITHM',
      `OAuthTokenIssuer needs an RSA key (tokens are signed RS256), not ${spec.algorithm}`,
      { usage: 'OAuthTokenIssuer', keyAlg: spec.algorithm },
    );
  }
  if (spec.size < MIN_TOKEN_ISSUER_RSA_BITS) {
    throw caError(
      'ERR_CA_KEY_TOO_SMALL',
      `OAuthTokenIssuer needs an RSA key of at least ${MIN_TOKEN_ISSUER_RSA_BITS} bits, got ${spec.size}`,
      { usage: 'OAuthTokenIssuer', keySize: spec.size },
    );
  }
}
