import { type Currency, formatMoney } from '../../../platform/money.ts';
import { Alert, CsrfInput, FormField, Layout, type PageChrome } from '../../../web/index.ts';
import type { PaymentRow } from '../payments.tables.ts';

/** The built-in test provider's payment page. Every state of it says it is a test. */

export function TestBanner() {
  return (
    <div class="test-banner" role="note">
      <strong>TEST PAYMENT</strong> — no real money is charged. This page only accepts Stripe’s test cards,
      e.g. 4242 4242 4242 4242.
    </div>
  );
}

export interface PayPageProps extends PageChrome {
  payment: PaymentRow;
  orderNumber: string;
  errors?: Record<string, string>;
  values?: { name?: string; expiry?: string };
  declined?: string | null;
  notPayable?: boolean;
}

export function TestPayPage(props: PayPageProps) {
  const { payment } = props;
  const e = props.errors ?? {};
  const amount = formatMoney(Number(payment.amount), payment.currency as Currency);
  return (
    <Layout {...props} title={`Test payment for order ${props.orderNumber} — FHIR IQ`}>
      <div class="container commerce-page pay-page">
        <TestBanner />
        <h1>Test payment: {amount}</h1>
        <p>
          Order {props.orderNumber}. This is a <strong>test payment</strong>: no card is charged and no real
          money moves.
        </p>
        {props.declined && (
          <Alert kind="error" title="Payment declined">
            <p>{props.declined} No money was taken. Your order is saved: try again with another card.</p>
          </Alert>
        )}
        {props.notPayable ? (
          <Alert kind="info" title="Nothing to pay">
            <p>This order is already paid or can no longer be paid.</p>
          </Alert>
        ) : (
          <form method="post" action={`/pay/test/${payment.id}`} class="form pay-form" novalidate>
            {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
            <FormField
              name="name"
              label="Name on card"
              autocomplete="cc-name"
              required
              maxLength={100}
              value={props.values?.name ?? ''}
              error={e.name ?? null}
            />
            <FormField
              name="cardNumber"
              label="Card number"
              autocomplete="cc-number"
              hint="Test cards: 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined."
              required
              maxLength={23}
              error={e.cardNumber ?? null}
            />
            <FormField
              name="expiry"
              label="Expiry (MM/YY)"
              autocomplete="cc-exp"
              required
              maxLength={7}
              value={props.values?.expiry ?? ''}
              error={e.expiry ?? null}
            />
            <FormField
              name="cvc"
              label="Security code (CVC)"
              autocomplete="cc-csc"
              required
              maxLength={4}
              error={e.cvc ?? null}
            />
            <button type="submit" class="btn btn-primary">
              Pay {amount} (test)
            </button>
          </form>
        )}
      </div>
    </Layout>
  );
}
