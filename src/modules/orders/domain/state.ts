/**
 * The order state machine, pure. pending_payment → paid → fulfilled is the
 * happy path; a declined card leaves payment_failed, from which a new attempt
 * can still pay; refunds follow payment.
 */

export const ORDER_STATES = [
  'pending_payment',
  'paid',
  'fulfilled',
  'payment_failed',
  'canceled',
  'refunded',
  'partially_refunded',
] as const;
export type OrderState = (typeof ORDER_STATES)[number];

const ALLOWED: Record<OrderState, readonly OrderState[]> = {
  pending_payment: ['paid', 'payment_failed', 'canceled'],
  // A retry after a decline is a new attempt on the same order.
  payment_failed: ['paid', 'payment_failed', 'canceled'],
  paid: ['fulfilled', 'refunded', 'partially_refunded'],
  fulfilled: ['refunded', 'partially_refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  refunded: [],
  canceled: [],
};

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: OrderState,
    readonly to: OrderState,
  ) {
    super(`An order cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export function canTransition(from: OrderState, to: OrderState): boolean {
  return ALLOWED[from].includes(to);
}

/** The next state, or IllegalTransitionError. */
export function transition(from: OrderState, to: OrderState): OrderState {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
  return to;
}

/** States in which the customer still owes the payment (the pay page accepts a card). */
export function awaitsPayment(state: OrderState): boolean {
  return state === 'pending_payment' || state === 'payment_failed';
}

/** States in which money can still go back to the customer (a refund, full or partial). */
export function refundable(state: OrderState): boolean {
  return state === 'paid' || state === 'fulfilled' || state === 'partially_refunded';
}
