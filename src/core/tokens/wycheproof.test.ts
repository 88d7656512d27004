/**
 * Peer suites (test/corpora/README.md): Wycheproof JWS vectors through our compact-JWS parser and
 * RS256 verifier, and Wycheproof RSA PKCS#1 v1.5 SHA-256 vectors through the verify primitive.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseCompactJws } from './compact-jws.ts';
import { REFUSED_HEADER_MEMBERS } from './jose-header.ts';
import { verifyRs256 } from './rs256.ts';
import { DEFAULT_TOKEN_LIMITS } from './token-limits.ts';

const CORPUS = new URL('../../../test/corpora/wycheproof/', import.meta.url);
const load = (name: string) => JSON.parse(readFileSync(new URL(name, CORPUS), 'utf8'));

interface JwsTest {
  tcId: number;
  comment: string;
  jws: unknown;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface JwsGroup {
  public?: JsonWebKey & { use?: string; key_ops?: string[]; alg?: string };
  tests: JwsTest[];
}

/**
 * Upstream vectors we knowingly disagree with (test/corpora/README.md): 372/373 are labelled valid although
 * the compact string holds a `?` (strict RFC 7515 decoding rejects them); 346/347/350/351 are RFC 7520
 * figures signed with PS384 / ES521, which an RS256-only verifier refuses.
 */
const EXPECTED_DISAGREEMENTS = new Set([346, 347, 350, 351, 372, 373]);

/** Our verdict: strict compact parse, alg RS256 exactly, no refused header, JWK metadata honoured, RS256 verify. */
function accepts(jws: unknown, key: KeyObject, jwk: JwsGroup['public']): boolean {
  if (typeof jws !== 'string') return false; // only the compact serialization exists in S2S
  if (jwk?.use !== undefined && jwk.use !== 'sig') return false;
  if (jwk?.key_ops !== undefined && !jwk.key_ops.includes('verify')) return false;
  if (jwk?.alg !== undefined && jwk.alg !== 'RS256') return false;
  let parsed;
  try {
    parsed = parseCompactJws(jws, DEFAULT_TOKEN_LIMITS);
  } catch {
    return false;
  }
  if (parsed.header['alg'] !== 'RS256' || REFUSED_HEADER_MEMBERS.some((m) => Object.hasOwn(parsed.header, m)))
    return false;
  return verifyRs256(parsed.signingInput, parsed.signature, key);
}

describe('Wycheproof json_web_signature_test.json (RSA keys)', () => {
  test('never accepts an invalid vector; accepts every valid RS256 one except the listed disagreements', () => {
    const suite = load('json_web_signature_test.json') as { testGroups: JwsGroup[] };
    let ran = 0;
    const disagreements: number[] = [];
    for (const group of suite.testGroups) {
      if (group.public?.kty !== 'RSA') continue;
      const { use: _u, key_ops: _k, alg: _a, ...material } = group.public as Record<string, unknown>;
      const key = createPublicKey({ key: material as JsonWebKey, format: 'jwk' });
      for (const t of group.tests) {
        ran++;
        const ours = accepts(t.jws, key, group.public);
        if (t.result === 'invalid')
          assert.equal(ours, false, `tcId ${t.tcId} (${t.comment}) is invalid but was accepted`);
        // A valid RS384/RS512/PS* vector is out of scope: an RS256-only verifier refuses it by design.
        const rs256Key = group.public.alg === undefined || group.public.alg === 'RS256';
        if (t.result === 'valid' && rs256Key && !ours) disagreements.push(t.tcId);
      }
    }
    assert.ok(ran > 230, `ran ${ran} RSA vectors`);
    assert.deepEqual(
      disagreements.filter((id) => !EXPECTED_DISAGREEMENTS.has(id)),
      [],
    );
  });
});

describe('Wycheproof rsa_signature_*_sha256_test.json (RSASSA-PKCS1-v1_5 SHA-256)', () => {
  for (const bits of [2048, 3072, 4096]) {
    test(`verify primitive agrees with every ${bits}-bit vector`, () => {
      const suite = load(`rsa_signature_${bits}_sha256_test.json`) as {
        testGroups: {
          publicKeyDer: string;
          tests: { tcId: number; msg: string; sig: string; result: string }[];
        }[];
      };
      let ran = 0;
      for (const group of suite.testGroups) {
        const key = createPublicKey({
          key: Buffer.from(group.publicKeyDer, 'hex'),
          format: 'der',
          type: 'spki',
        });
        for (const t of group.tests) {
          ran++;
          const ok = verifyRs256(Buffer.from(t.msg, 'hex'), Buffer.from(t.sig, 'hex'), key);
          if (t.result === 'valid') assert.equal(ok, true, `tcId ${t.tcId} valid but refused`);
          else if (t.result === 'invalid') assert.equal(ok, false, `tcId ${t.tcId} invalid but accepted`);
        }
      }
      assert.ok(ran > 250);
    });
  }
});
