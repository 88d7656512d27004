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

/** Anything beyond reading (the connectivity test writes and deletes an item on a partner). */
export function canAct(role: string): boolean {
  return role !== 'read-only';
}
