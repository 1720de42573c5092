/**
 * What happens after a renewal charge fails, pure. The subscription becomes
 * past_due but the customer keeps the product through a grace period (002:
 * scheduleLicenseSuspension, 7 days); the saved card is retried on days 1, 3
 * and 5 after the failure; if nothing has paid the renewal when the grace
 * ends, entitlements are suspended. Paying later reinstates them. Entitlement
 * is deliberately separate from billing state: past_due is still entitled.
 */

export const RETRY_DAYS = [1, 3, 5] as const;
export const GRACE_DAYS = 7;
const DAY_MS = 24 * 3600 * 1000;

export type SubscriptionStatus = 'active' | 'past_due' | 'suspended' | 'canceled';

export const SUBSCRIPTION_STATUSES: readonly SubscriptionStatus[] = [
  'active',
  'past_due',
  'suspended',
  'canceled',
];

/** Is the customer entitled to the product in this status? */
export function entitled(status: SubscriptionStatus): boolean {
  return status === 'active' || status === 'past_due';
}

export interface DunningPlan {
  /** When the grace period ends (counted from the first failure). */
  graceEndsAt: Date;
  /** The next automatic retry, or null once the schedule is spent. */
  nextRetryAt: Date | null;
}

/**
 * The plan after failure number `failures` (1 = the renewal itself failed)
 * of a renewal whose first failure happened at `firstFailureAt`.
 */
export function dunningAfter(firstFailureAt: Date, failures: number): DunningPlan {
  const graceEndsAt = new Date(firstFailureAt.getTime() + GRACE_DAYS * DAY_MS);
  const day = RETRY_DAYS[failures - 1];
  const nextRetryAt = day === undefined ? null : new Date(firstFailureAt.getTime() + day * DAY_MS);
  return { graceEndsAt, nextRetryAt };
}

/** The state machine of a subscription's status. */
const ALLOWED: Record<SubscriptionStatus, readonly SubscriptionStatus[]> = {
  active: ['past_due', 'canceled'],
  past_due: ['active', 'suspended', 'canceled'],
  suspended: ['active', 'canceled'],
  canceled: [],
};

export function canMove(from: SubscriptionStatus, to: SubscriptionStatus): boolean {
  return ALLOWED[from].includes(to);
}
