import type { DbHandle } from '../db/transaction.ts';
import type { JobDefinition, JobQueue } from './queue.ts';

/**
 * Domain events between modules, as a durable fan-out over the job queue:
 * `publish` enqueues one job per subscriber in the publisher's transaction
 * (so the event exists exactly when the state change that caused it
 * commits), and each subscriber consumes its own queue with its own retries.
 * A failing subscriber never re-runs another one, and a module subscribing
 * later (fulfillment, invoicing) needs no change in the publisher.
 *
 * Delivery is at least once: subscribers are idempotent, keyed on the
 * event's business identity (an order id, a refund id, a period).
 */

/** The events modules publish, with their payloads. One registry keeps producers and consumers honest. */
export interface DomainEvents {
  /** An order's payment succeeded (published once per order, when it is marked paid). */
  'orders.paid': { orderId: string };
  /** Money went back to the customer (full or partial); fulfillment and invoicing act on it. */
  'orders.refunded': {
    orderId: string;
    refundId: string;
    /** Gross amount refunded by this refund, minor units. */
    amount: number;
    currency: string;
    /** True when the order is now refunded in full. */
    full: boolean;
  };
  /** A payment provider that bills subscriptions itself (Stripe Billing) reported on one. */
  'payments.subscription-updated': ProviderSubscriptionUpdate;
  /** A subscription's lifecycle moved; entitlements follow `entitled`. */
  'subscriptions.changed': {
    subscriptionId: string;
    /** What happened: created, renewed, plan_changed, past_due, suspended, reinstated, cancel_scheduled, resumed, canceled, ended. */
    change: SubscriptionChange;
    /** Whether the customer is entitled to the product after this change. */
    entitled: boolean;
    /** Unique per change (the idempotency key subscribers deduplicate on). */
    key: string;
  };
  /**
   * A usage license's monthly period ended and was closed: its statement is written (once), with
   * 002's overage amount. Billing charges `amount` (minor units, `currency`) when it is above zero.
   */
  'licensing.usage-period-closed': {
    licenseId: string;
    sku: string;
    /** The period [start, end), ISO 8601. */
    periodStart: string;
    periodEnd: string;
    currency: string;
    /** Total overage amount of the period, minor units. */
    amount: number;
    /** Per meter: included (null = unlimited), used, overage, rate (minor units per 1,000) and amount. */
    meters: {
      meter: string;
      included: number | null;
      used: number;
      overage: number;
      ratePer1000: number;
      amount: number;
    }[];
    /** `usage-period:<licenseId>:<periodStart>`, unique per period (what subscribers deduplicate on). */
    key: string;
  };
}

export interface ProviderSubscriptionUpdate {
  provider: 'stripe';
  /** The provider's subscription id. */
  subscriptionId: string;
  /** A renewal invoice was paid or failed, or the subscription's own status changed. */
  kind: 'invoice_paid' | 'invoice_failed' | 'status';
  /** The provider event's creation time (seconds): orders updates that arrive out of order. */
  eventCreated: number;
  invoiceId?: string;
  /** Why the provider invoiced: `subscription_cycle` (a renewal), `subscription_update` (a plan change)… */
  billingReason?: string;
  /** The end (seconds) of the service period a paid invoice covers. */
  periodEnd?: number | null;
  /** What the provider collected for a paid invoice (minor units) and in which currency (lower case). */
  amountPaid?: number;
  currency?: string;
  /** When the provider retries a failed invoice (seconds), if it will. */
  nextAttemptAt?: number | null;
  message?: string;
  status?: string;
  cancelAtPeriodEnd?: boolean;
}

export type SubscriptionChange =
  | 'created'
  | 'renewed'
  | 'plan_changed'
  | 'past_due'
  | 'suspended'
  | 'reinstated'
  | 'cancel_scheduled'
  | 'resumed'
  | 'canceled'
  | 'ended';

export type Topic = keyof DomainEvents;

export interface Subscriber<K extends Topic> extends Omit<JobDefinition<DomainEvents[K]>, 'name' | 'cron'> {
  /** Names the subscriber's queue: `<topic>:<name>` (e.g. `orders.paid:confirmation-mail`). */
  name: string;
}

export class EventBus {
  readonly #subscribers = new Map<Topic, string[]>();

  constructor(private readonly jobs: JobQueue) {}

  /** Registers a subscriber: its own durable queue, consumed by workers like any job. */
  subscribe<K extends Topic>(topic: K, subscriber: Subscriber<K>): void {
    const queue = `${topic}-${subscriber.name}`;
    const { name: _name, ...definition } = subscriber;
    this.jobs.define<DomainEvents[K]>({ ...definition, name: queue });
    this.#subscribers.set(topic, [...(this.#subscribers.get(topic) ?? []), queue]);
  }

  /** The subscriber queues of a topic (tests and the admin console). */
  subscribers(topic: Topic): readonly string[] {
    return this.#subscribers.get(topic) ?? [];
  }

  /**
   * Publishes in the caller's transaction: every subscriber's job commits or
   * rolls back with the change, so an event is published once exactly when
   * the change commits once. `key` names the event in the queue (tracing).
   */
  async publish<K extends Topic>(
    topic: K,
    payload: DomainEvents[K],
    options: { trx: DbHandle; key: string },
  ) {
    for (const queue of this.subscribers(topic))
      await this.jobs.send(queue, payload, { trx: options.trx, singletonKey: options.key });
  }
}
