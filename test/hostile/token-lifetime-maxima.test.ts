/**
 * Token lifetime maxima (docs/security.md "Token lifetime maxima"; docs/protocol.md §2.5/§11): an actor valid
 * for a hundred years, until year 5138 (the largest `exp` the claim parser takes), or from 1970 is refused
 * 3103; an outer token that outlives its actor is refused 3104; `nbf` in the future beyond the skew stays
 * 3101; the cap is the OAuth configuration's `maxTokenLifetimeSeconds` (`oauth set --max-token-lifetime`).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  actorClaims,
  EXCHANGE,
  hostileWorld,
  outer,
  outerClaims,
  rs256,
  s2s,
  SHAREPOINT,
  URL_OK,
} from './hostile-deployment.ts';
import type { HostileWorld } from './hostile-deployment.ts';

let w: HostileWorld;
before(async () => {
  w = await hostileWorld();
});
after(async () => w?.close());

const HOUR = 3600;
const YEAR = 365 * 24 * HOUR;
const SKEW = 300;

function nowSeconds(): number {
  return Math.floor(w.clock.now().getTime() / 1000);
}

async function outcome(token: string) {
  return w.d.services.tokens.validate({ authorization: `Bearer ${token}`, requestUrl: URL_OK });
}

async function refused(token: string, code: string, detail: number): Promise<void> {
  const out = await outcome(token);
  assert.equal(out.ok, false, 'accepted');
  if (out.ok) return;
  assert.equal(out.refusal.code, code, out.refusal.message);
  assert.equal(out.refusal.diagnostic.code, detail);
  assert.equal(out.refusal.status, 401);
}

async function accepted(token: string): Promise<void> {
  const out = await outcome(token);
  assert.ok(out.ok, out.ok ? '' : out.refusal.message);
}

const exchangeActor = (nbf: number, exp: number) =>
  rs256(actorClaims(w.clock, EXCHANGE, { nbf: String(nbf), exp: String(exp) }), w.exchange.cert);

describe('an actor token may live 24 h at most (plus the clock skew)', () => {
  test('a hundred years, year 5138 and a token valid since 1970 are refused 3103', async () => {
    const now = nowSeconds();
    await refused(exchangeActor(now - 60, now + 100 * YEAR), 'ERR_TOKEN_LIFETIME_TOO_LONG', 3103);
    await refused(exchangeActor(now - 60, 99_999_999_999), 'ERR_TOKEN_LIFETIME_TOO_LONG', 3103);
    await refused(exchangeActor(1, now + HOUR), 'ERR_TOKEN_LIFETIME_TOO_LONG', 3103);
  });

  test('24 h (Exchange) and 24 h + skew are accepted; one second more is refused', async () => {
    const now = nowSeconds();
    await accepted(exchangeActor(now, now + 24 * HOUR));
    await accepted(exchangeActor(now - SKEW, now + 24 * HOUR));
    await refused(exchangeActor(now - SKEW - 1, now + 24 * HOUR), 'ERR_TOKEN_LIFETIME_TOO_LONG', 3103);
  });

  test('nbf in the future beyond the skew is still refused 3101', async () => {
    const now = nowSeconds();
    await refused(exchangeActor(now + SKEW + 1, now + 2 * HOUR), 'ERR_TOKEN_NOT_YET_VALID', 3101);
  });
});

describe('the outer token never outlives its actor', () => {
  const actAs = (actorExp: number, outerNbf: number, outerExp: number) => {
    const now = nowSeconds();
    const actor = rs256(
      actorClaims(w.clock, SHAREPOINT, { nbf: String(now - 60), exp: String(actorExp) }),
      w.sharepoint.cert,
    );
    return outer(outerClaims(w.clock, SHAREPOINT, actor, { nbf: String(outerNbf), exp: String(outerExp) }));
  };

  test('an outer token expiring after its actor (beyond the skew) is refused 3104', async () => {
    const now = nowSeconds();
    await refused(actAs(now + HOUR, now - 60, now + 8 * HOUR), 'ERR_TOKEN_OUTER_OUTLIVES_ACTOR', 3104);
    await refused(actAs(now + HOUR, now - 60, now + HOUR + SKEW + 1), 'ERR_TOKEN_OUTER_OUTLIVES_ACTOR', 3104);
  });

  test('an outer token valid since 1970 is refused 3103 even inside a long actor', async () => {
    const now = nowSeconds();
    await refused(actAs(now + 12 * HOUR, 1, now + HOUR), 'ERR_TOKEN_LIFETIME_TOO_LONG', 3103);
  });

  test('SharePoint TokenHelper pairs (12 h each, stamped separately) are accepted', async () => {
    const now = nowSeconds();
    await accepted(actAs(now + 12 * HOUR, now - 59, now + 12 * HOUR + 1));
  });
});

describe('the cap is configurable (oauth set --max-token-lifetime), never above 24 h', () => {
  test('a cap of 8 h refuses a 12 h token and accepts an 8 h one; 25h is refused as a setting', async () => {
    const set = await s2s(w.env, 'oauth', 'set', '--max-token-lifetime', '8h', '--json');
    assert.equal(set.code, 0, set.err);
    assert.equal(JSON.parse(set.out).oauth.maxTokenLifetimeSeconds, 8 * HOUR);
    assert.ok(
      set.err.includes('WARN_TOKEN_LIFETIME_OVER_MAXIMUM') ||
        set.out.includes('WARN_TOKEN_LIFETIME_OVER_MAXIMUM'),
      'our own 24 h actor lifetime is now over the cap: warned',
    );
    const now = nowSeconds();
    await refused(exchangeActor(now, now + 12 * HOUR), 'ERR_TOKEN_LIFETIME_TOO_LONG', 3103);
    await accepted(exchangeActor(now, now + 8 * HOUR));
    const tooHigh = await s2s(w.env, 'oauth', 'set', '--max-token-lifetime', '25h');
    assert.notEqual(tooHigh.code, 0);
    assert.match(tooHigh.err, /ERR_INVALID_INPUT/);
    const back = await s2s(w.env, 'oauth', 'set', '--max-token-lifetime', '24h');
    assert.equal(back.code, 0, back.err);
    await accepted(exchangeActor(now, now + 12 * HOUR));
  });
});
