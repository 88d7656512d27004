import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestMatch, didYouMean, editDistance } from './did-you-mean.ts';

const USAGES = ['Default', 'WebServicesInternal', 'WebServicesExternal', 'OAuthTokenIssuer'];

test('edit distance counts an adjacent swap as one edit', () => {
  assert.equal(editDistance('partner', 'partner'), 0);
  assert.equal(editDistance('partnre', 'partner'), 1);
  assert.equal(editDistance('prtner', 'partner'), 1);
  assert.equal(editDistance('', 'abc'), 3);
});

test('suggests the closest name, case-insensitively, only when it is close', () => {
  assert.equal(closestMatch('OAuthTokenIsuer', USAGES), 'OAuthTokenIssuer');
  assert.equal(closestMatch('oauthtokenissuer', USAGES), 'OAuthTokenIssuer');
  assert.equal(closestMatch('WebServiceInternal', USAGES), 'WebServicesInternal');
  assert.equal(closestMatch('banana', USAGES), undefined);
  assert.equal(didYouMean('Defualt', USAGES), ' (did you mean Default?)');
  assert.equal(didYouMean('zzz', USAGES), '');
});
