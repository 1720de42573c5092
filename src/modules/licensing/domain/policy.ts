import type { SigningAlgorithm } from './certificate.ts';

/**
 * A product's license policy (Keygen's "policy"): how its licenses behave,
 * apart from what an edition includes (the limits). Products without a
 * stored policy use the defaults: node-locked, one machine per seat, machine
 * files valid offline for 14 days, 2 seat transfers a month (002), Ed25519.
 */
export interface LicensePolicy {
  productKey: string;
  machinesPerSeat: number;
  /** Floating licenses: a machine that has not sent a heartbeat for this long is released. null: node-locked. */
  heartbeatWindowSeconds: number | null;
  machineFileTtlSeconds: number;
  transfersPerMonth: number;
  /** null: the platform's default (the configured signing key's algorithm, else Ed25519). */
  signingAlg: SigningAlgorithm | null;
}

export const DEFAULT_POLICY: Omit<LicensePolicy, 'productKey'> = {
  machinesPerSeat: 1,
  heartbeatWindowSeconds: null,
  machineFileTtlSeconds: 14 * 24 * 3600,
  transfersPerMonth: 2,
  signingAlg: null,
};

export function maxMachinesFor(seats: number, policy: Pick<LicensePolicy, 'machinesPerSeat'>): number {
  return seats * policy.machinesPerSeat;
}

/** Whether a machine counts against the limit: node-locked machines always; floating ones while they beat. */
export function machineAlive(
  machine: { activatedAt: Date; lastHeartbeatAt: Date | null },
  heartbeatWindowSeconds: number | null,
  now: Date,
): boolean {
  if (heartbeatWindowSeconds === null) return true;
  const last = (machine.lastHeartbeatAt ?? machine.activatedAt).getTime();
  return now.getTime() - last <= heartbeatWindowSeconds * 1000;
}

/** The calendar month (UTC) a transfer counts in: 002 allows `transfersPerMonth` per month. */
export function monthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** An email's domain, lower case ('' when there is none). */
export function emailDomain(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0
    ? ''
    : email
        .slice(at + 1)
        .trim()
        .toLowerCase();
}

/** Whether an email may hold a seat or use an organization license: any domain when none are listed. */
export function domainAllowed(email: string, allowedDomains: readonly string[]): boolean {
  return allowedDomains.length === 0 || allowedDomains.includes(emailDomain(email));
}
