import type { LicenseStatus } from './validation.ts';

/**
 * How a license's status may move. Suspension is temporary (a subscription
 * past its grace period, a staff hold) and reinstates; expiry ends the term
 * and reinstates only with a new term; revocation (a refund, abuse) is final.
 */
const MOVES: Record<LicenseStatus, readonly LicenseStatus[]> = {
  ACTIVE: ['SUSPENDED', 'EXPIRED', 'REVOKED'],
  SUSPENDED: ['ACTIVE', 'EXPIRED', 'REVOKED'],
  EXPIRED: ['ACTIVE', 'REVOKED'],
  REVOKED: [],
};

export function canMove(from: LicenseStatus, to: LicenseStatus): boolean {
  return MOVES[from].includes(to);
}

/** The license event recorded for a move. */
export function moveEvent(to: LicenseStatus): string {
  if (to === 'ACTIVE') return 'reinstated';
  return to === 'SUSPENDED' ? 'suspended' : to === 'EXPIRED' ? 'expired' : 'revoked';
}
