import type { Executor } from '../../platform/db/transaction.ts';
import type { PaymentAttemptRow, PaymentRow, PaymentsDb, PaymentsTables } from './payments.tables.ts';

type Db = Executor<PaymentsDb>;

export async function insertPayment(db: Db, row: PaymentRow): Promise<void> {
  await db.insertInto('payment').values(row).execute();
}

export async function findPayment(db: Db, id: string, forUpdate = false): Promise<PaymentRow | undefined> {
  let q = db.selectFrom('payment').selectAll().where('id', '=', id);
  if (forUpdate) q = q.forUpdate();
  return q.executeTakeFirst();
}

export async function paymentOfOrder(db: Db, orderId: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payment').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

export async function updatePayment(
  db: Db,
  id: string,
  patch: Partial<Omit<PaymentRow, 'id' | 'order_id' | 'user_id' | 'provider' | 'amount' | 'currency'>>,
): Promise<void> {
  await db.updateTable('payment').set(patch).where('id', '=', id).execute();
}

export async function insertAttempt(db: Db, row: PaymentAttemptRow): Promise<void> {
  await db.insertInto('payment_attempt').values(row).execute();
}

export async function attemptsOf(db: Db, paymentId: string): Promise<PaymentAttemptRow[]> {
  return db
    .selectFrom('payment_attempt')
    .selectAll()
    .where('payment_id', '=', paymentId)
    .orderBy('created_at')
    .execute();
}

export async function insertMethod(db: Db, row: PaymentsTables['payment_method']): Promise<void> {
  await db.insertInto('payment_method').values(row).execute();
}

/** Records an event id; false when it was recorded before (a duplicate delivery). */
export async function recordEvent(db: Db, row: PaymentsTables['payment_event']): Promise<boolean> {
  const r = await db
    .insertInto('payment_event')
    .values({ ...row, payload: JSON.stringify(row.payload) })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return r !== undefined;
}

/** The payment a Stripe object names through one of its ids. */
export async function paymentByProviderRef(
  db: Db,
  ref: {
    paymentIntentId?: string | undefined;
    subscriptionId?: string | undefined;
    sessionId?: string | undefined;
    invoiceId?: string | undefined;
  },
): Promise<PaymentRow | undefined> {
  if (ref.invoiceId) {
    const p = await db
      .selectFrom('payment')
      .selectAll()
      .where('provider_invoice_id', '=', ref.invoiceId)
      .executeTakeFirst();
    if (p) return p;
  }
  if (ref.sessionId) {
    const p = await db
      .selectFrom('payment')
      .selectAll()
      .where('checkout_session_id', '=', ref.sessionId)
      .executeTakeFirst();
    if (p) return p;
  }
  if (ref.paymentIntentId) {
    const p = await db
      .selectFrom('payment')
      .selectAll()
      .where('provider_payment_intent', '=', ref.paymentIntentId)
      .executeTakeFirst();
    if (p) return p;
  }
  if (ref.subscriptionId) {
    return (
      db
        .selectFrom('payment')
        .selectAll()
        .where('provider_subscription_id', '=', ref.subscriptionId)
        // The checkout's payment, not a later renewal's (those carry the subscription id too).
        .orderBy('created_at')
        .orderBy('id')
        .executeTakeFirst()
    );
  }
  return undefined;
}

/** Stores the Checkout Session of an attempt, unless a later attempt was stored meanwhile. */
export async function storeCheckoutSession(
  db: Db,
  paymentId: string,
  s: { id: string; url: string; expiresAt: Date; attempt: number; now: Date },
): Promise<void> {
  await db
    .updateTable('payment')
    .set({
      checkout_session_id: s.id,
      checkout_url: s.url,
      checkout_expires_at: s.expiresAt,
      checkout_attempt: s.attempt,
      updated_at: s.now,
    })
    .where('id', '=', paymentId)
    .where('checkout_attempt', '<=', s.attempt)
    .execute();
}

export async function stripeCustomerOf(db: Db, userId: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('stripe_customer')
    .select('customer_id')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return r?.customer_id;
}

/** Maps a user to a Stripe customer; the first mapping wins (returns the stored one). */
export async function mapStripeCustomer(
  db: Db,
  userId: string,
  customerId: string,
  now: Date,
): Promise<string> {
  await db
    .insertInto('stripe_customer')
    .values({ user_id: userId, customer_id: customerId, created_at: now })
    .onConflict((oc) => oc.doNothing())
    .execute();
  return (await stripeCustomerOf(db, userId)) ?? customerId;
}

/** Records a subscription's status unless a newer event already did. */
export async function upsertStripeSubscription(
  db: Db,
  row: PaymentsTables['stripe_subscription'],
): Promise<void> {
  await db
    .insertInto('stripe_subscription')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet({
          status: (eb) => eb.ref('excluded.status'),
          customer_id: (eb) => eb.fn.coalesce('excluded.customer_id', 'stripe_subscription.customer_id'),
          payment_id: (eb) => eb.fn.coalesce('stripe_subscription.payment_id', 'excluded.payment_id'),
          event_created: (eb) => eb.ref('excluded.event_created'),
          updated_at: (eb) => eb.ref('excluded.updated_at'),
        })
        .where('stripe_subscription.event_created', '<=', (eb) => eb.ref('excluded.event_created')),
    )
    .execute();
}

export async function stripeSubscription(
  db: Db,
  id: string,
): Promise<PaymentsTables['stripe_subscription'] | undefined> {
  return db.selectFrom('stripe_subscription').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findMethod(db: Db, id: string): Promise<PaymentsTables['payment_method'] | undefined> {
  return db.selectFrom('payment_method').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The card of the attempt that paid this order's payment, if a saved card paid it. */
export async function methodThatPaid(db: Db, orderId: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('payment_attempt')
    .innerJoin('payment', 'payment.id', 'payment_attempt.payment_id')
    .select('payment_attempt.payment_method_id')
    .where('payment.order_id', '=', orderId)
    .where('payment_attempt.outcome', '=', 'succeeded')
    .where('payment_attempt.payment_method_id', 'is not', null)
    .orderBy('payment_attempt.created_at', 'desc')
    .executeTakeFirst();
  return r?.payment_method_id ?? undefined;
}

/** Remembers which payment intent paid an invoice (first writer wins: it never changes). */
export async function rememberInvoicePayment(db: Db, invoiceId: string, paymentIntentId: string, at: Date) {
  await db
    .insertInto('stripe_invoice_payment')
    .values({ invoice_id: invoiceId, payment_intent_id: paymentIntentId, received_at: at })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function invoicePaymentIntent(db: Db, invoiceId: string): Promise<string | undefined> {
  const r = await db
    .selectFrom('stripe_invoice_payment')
    .select('payment_intent_id')
    .where('invoice_id', '=', invoiceId)
    .executeTakeFirst();
  return r?.payment_intent_id;
}
