/**
 * What every payment provider gives FHIR IQ: a payment for an order, a hosted
 * page where the customer pays it, and events that say how it went. The
 * built-in test provider and (next) Stripe produce the same events, and one
 * idempotent handler (PaymentService.handleEvent) applies them.
 */

export type PaymentEventType = 'payment.succeeded' | 'payment.failed';

export interface PaymentEvent {
  /** The provider's event id: the deduplication key. */
  id: string;
  provider: 'test' | 'stripe';
  type: PaymentEventType;
  paymentId: string;
  /** The attempt (charge) the event is about. */
  attemptId?: string;
  declineCode?: string;
  message?: string;
}

export interface CreatePaymentInput {
  orderId: string;
  userId: string;
  amount: number;
  currency: string;
}

export interface PaymentProvider {
  readonly name: 'test' | 'stripe';
  /** Where the customer pays this payment (a page of ours for the test provider, Stripe Checkout for Stripe). */
  hostedPageUrl(paymentId: string): string;
}

/** The built-in provider: the page is served by FHIR IQ itself at /pay/test/<paymentId>. */
export const testProvider: PaymentProvider = {
  name: 'test',
  hostedPageUrl: (paymentId) => `/pay/test/${paymentId}`,
};
