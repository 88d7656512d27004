/**
 * What each role may change (docs/admin.md "Roles"); the server enforces it on every call, the console only
 * hides the controls a role cannot use so that a read-only administrator sees no change control.
 */
export type Area = 'certificates' | 'partners' | 'configuration';

export function canChange(role: string, area: Area): boolean {
  if (role === 'full') return true;
  if (role === 'certificate') return area === 'certificates';
  if (role === 'partner') return area === 'partners';
  return false;
}

/** The connectivity test writes and deletes an item on a partner: the partner administrator's (and full). */
export function canTestConnectivity(role: string): boolean {
  return canChange(role, 'partners');
}
