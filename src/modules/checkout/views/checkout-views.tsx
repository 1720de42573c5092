import { type Currency, formatMoney } from '../../../platform/money.ts';
import { Alert, CsrfInput, FormField, Layout, type PageChrome } from '../../../web/index.ts';
import type { TaxQuote } from '../../tax/index.ts';
import type { CartView } from '../cart.service.ts';

/** Countries offered in the billing form (EU 27, the UK, North America and a few more). */
export const COUNTRIES: ReadonlyArray<readonly [string, string]> = [
  ['AT', 'Austria'],
  ['AU', 'Australia'],
  ['BE', 'Belgium'],
  ['BG', 'Bulgaria'],
  ['CA', 'Canada'],
  ['CH', 'Switzerland'],
  ['CY', 'Cyprus'],
  ['CZ', 'Czechia'],
  ['DE', 'Germany'],
  ['DK', 'Denmark'],
  ['EE', 'Estonia'],
  ['ES', 'Spain'],
  ['FI', 'Finland'],
  ['FR', 'France'],
  ['GB', 'United Kingdom'],
  ['GR', 'Greece'],
  ['HR', 'Croatia'],
  ['HU', 'Hungary'],
  ['IE', 'Ireland'],
  ['IT', 'Italy'],
  ['LT', 'Lithuania'],
  ['LU', 'Luxembourg'],
  ['LV', 'Latvia'],
  ['MT', 'Malta'],
  ['NL', 'Netherlands'],
  ['NO', 'Norway'],
  ['PL', 'Poland'],
  ['PT', 'Portugal'],
  ['RO', 'Romania'],
  ['SE', 'Sweden'],
  ['SI', 'Slovenia'],
  ['SK', 'Slovakia'],
  ['US', 'United States'],
];

export const BILLING_FIELDS = [
  'name',
  'organization',
  'email',
  'line1',
  'line2',
  'city',
  'postalCode',
  'country',
  'region',
  'vatId',
  'customerType',
  'organizationId',
] as const;
export type BillingForm = Partial<Record<(typeof BILLING_FIELDS)[number], string>>;

export interface CheckoutPageProps extends PageChrome {
  cart: CartView;
  values: BillingForm;
  errors?: Record<string, string>;
  error?: string | null;
  disabled?: string | null;
  quote?: { cartId: string; cartVersion: number; quote: TaxQuote } | null;
  /** The organizations the signed-in buyer may buy for (empty for guests). */
  organizations?: readonly { id: string; name: string }[];
}

/** "Buying for": oneself or one of the buyer's organizations, with links that fill in its billing details. */
function BuyingFor(props: {
  organizations: readonly { id: string; name: string }[];
  value: string | undefined;
  error: string | undefined;
}) {
  return (
    <div class={props.error ? 'form-field has-error' : 'form-field'}>
      <label for="field-organizationId">Buying for</label>
      <p class="form-hint" id="field-organizationId-hint">
        An organization’s purchase is its own: its owners, admins and billing members see the order and the
        invoice. Fill in its billing details:{' '}
        {props.organizations.map((o, i) => (
          <>
            {i > 0 ? ', ' : ''}
            <a href={`/checkout?organization=${o.id}`}>{o.name}</a>
          </>
        ))}
        .
      </p>
      {props.error && (
        <p class="form-error" id="field-organizationId-error">
          <span class="visually-hidden">Error: </span>
          {props.error}
        </p>
      )}
      <div class="field-control">
        <select
          id="field-organizationId"
          name="organizationId"
          aria-describedby={
            props.error ? 'field-organizationId-hint field-organizationId-error' : 'field-organizationId-hint'
          }
        >
          <option value="">Myself</option>
          {props.organizations.map((o) => (
            <option value={o.id} selected={props.value === o.id}>
              {o.name}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

const REASONS: Record<string, string> = {
  reverse_charge: 'reverse charge',
  standard: 'standard rate',
  not_collected: 'not collected',
  vat_pending_verification: 'VAT ID being verified',
};

function QuoteTable(props: { quote: TaxQuote }) {
  const q = props.quote;
  const money = (n: number) => formatMoney(n, q.currency as Currency);
  return (
    <section class="checkout-quote" aria-labelledby="quote-title">
      <h2 id="quote-title">Your total</h2>
      <div class="table-wrap">
        <table>
          <caption class="visually-hidden">Tax quote per line</caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col" class="num">
                Net
              </th>
              <th scope="col" class="num">
                Tax rate
              </th>
              <th scope="col" class="num">
                Tax
              </th>
            </tr>
          </thead>
          <tbody>
            {q.lines.map((l) => (
              <tr>
                <td>
                  {l.quantity > 1 ? `${l.quantity} × ` : ''}
                  {l.name}
                </td>
                <td class="num">{money(l.net)}</td>
                <td class="num" data-tax-rate={l.taxRate}>
                  {l.taxRatePercent} %
                  {l.components.length > 1
                    ? ` = ${l.components.map((c) => `${c.label} ${c.ratePercent} %`).join(' + ')}`
                    : ''}{' '}
                  ({REASONS[l.reason] ?? l.reason.replaceAll('_', ' ')})
                </td>
                <td class="num">{money(l.taxAmount)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Net</th>
              <td class="num" colSpan={3}>
                {money(q.totals.net)}
              </td>
            </tr>
            <tr>
              <th scope="row">Tax</th>
              <td class="num" colSpan={3}>
                {money(q.totals.tax)}
              </td>
            </tr>
            <tr>
              <th scope="row">Total</th>
              <td class="num checkout-total" colSpan={3}>
                <strong>{money(q.totals.gross)}</strong>
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
      {q.notes.map((n) => (
        <p class="tax-note">{n}</p>
      ))}
      {q.vat.status === 'pending' && (
        <p class="tax-note">Your VAT ID is being verified; the order records it as pending verification.</p>
      )}
    </section>
  );
}

export function CheckoutPage(props: CheckoutPageProps) {
  const v = props.values;
  const e = props.errors ?? {};
  const csrf = props.csrfToken !== undefined ? <CsrfInput token={props.csrfToken} /> : null;
  const business = v.customerType === 'business';
  return (
    <Layout {...props} title="Checkout — FHIR IQ" currentPath="/checkout">
      <div class="container commerce-page checkout-page">
        <h1>Checkout</h1>
        {props.disabled ? (
          <Alert kind="error" title="Checkout is not available">
            <p>{props.disabled}</p>
          </Alert>
        ) : props.cart.lines.length === 0 ? (
          <p>
            Your cart is empty. <a href="/tools">Browse the tools</a>.
          </p>
        ) : (
          <>
            {props.error && (
              <Alert kind="error" title="Please check your details">
                <p>{props.error}</p>
              </Alert>
            )}
            <form method="post" action="/checkout/review" class="form billing-form" novalidate>
              {csrf}
              {props.organizations && props.organizations.length > 0 && (
                <BuyingFor
                  organizations={props.organizations}
                  value={v.organizationId}
                  error={e.organizationId}
                />
              )}
              <fieldset>
                <legend>Buying as</legend>
                <label class="radio">
                  <input type="radio" name="customerType" value="consumer" checked={!business} /> An
                  individual
                </label>
                <label class="radio">
                  <input type="radio" name="customerType" value="business" checked={business} /> A business
                </label>
              </fieldset>
              <FormField
                name="name"
                label="Full name"
                autocomplete="name"
                required
                maxLength={100}
                value={v.name ?? ''}
                error={e.name ?? null}
              />
              <FormField
                name="organization"
                label="Organization"
                autocomplete="organization"
                hint="Required when buying as a business."
                maxLength={100}
                value={v.organization ?? ''}
                error={e.organization ?? null}
              />
              <FormField
                name="email"
                label="Email"
                type="email"
                autocomplete="email"
                required
                maxLength={254}
                value={v.email ?? ''}
                error={e.email ?? null}
              />
              <FormField
                name="line1"
                label="Address"
                autocomplete="address-line1"
                required
                maxLength={200}
                value={v.line1 ?? ''}
                error={e.line1 ?? null}
              />
              <FormField
                name="line2"
                label="Address line 2"
                autocomplete="address-line2"
                maxLength={200}
                value={v.line2 ?? ''}
                error={e.line2 ?? null}
              />
              <FormField
                name="city"
                label="City"
                autocomplete="address-level2"
                required
                maxLength={100}
                value={v.city ?? ''}
                error={e.city ?? null}
              />
              <FormField
                name="postalCode"
                label="Postal code"
                autocomplete="postal-code"
                required
                maxLength={16}
                value={v.postalCode ?? ''}
                error={e.postalCode ?? null}
              />
              <div class={e.country ? 'form-field has-error' : 'form-field'}>
                <label for="field-country">Country</label>
                {e.country && (
                  <p class="form-error" id="field-country-error">
                    <span class="visually-hidden">Error: </span>
                    {e.country}
                  </p>
                )}
                <div class="field-control">
                  <select
                    id="field-country"
                    name="country"
                    autocomplete="country"
                    required
                    aria-describedby={e.country ? 'field-country-error' : undefined}
                  >
                    <option value="">Choose…</option>
                    {COUNTRIES.map(([code, name]) => (
                      <option value={code} selected={v.country === code}>
                        {name}
                      </option>
                    ))}
                  </select>
                </div>
              </div>
              <FormField
                name="region"
                label="State or province code"
                autocomplete="address-level1"
                hint="Required in Canada (e.g. ON, QC)."
                maxLength={3}
                value={v.region ?? ''}
                error={e.region ?? null}
              />
              <FormField
                name="vatId"
                label="VAT ID"
                hint="EU businesses: with your VAT ID from another member state, reverse charge applies (0 %)."
                maxLength={40}
                value={v.vatId ?? ''}
                error={e.vatId ?? null}
              />
              <button type="submit" class="btn btn-secondary">
                Show tax and total
              </button>
            </form>
            {props.quote && (
              <>
                <QuoteTable quote={props.quote.quote} />
                <form method="post" action="/checkout/place" class="place-order">
                  {csrf}
                  <input type="hidden" name="cartId" value={props.quote.cartId} />
                  <input type="hidden" name="cartVersion" value={String(props.quote.cartVersion)} />
                  {BILLING_FIELDS.map((f) => (
                    <input type="hidden" name={f} value={v[f] ?? ''} />
                  ))}
                  <button type="submit" class="btn btn-primary">
                    Place order and pay{' '}
                    {formatMoney(props.quote.quote.totals.gross, props.quote.quote.currency)}
                  </button>
                </form>
              </>
            )}
          </>
        )}
      </div>
    </Layout>
  );
}
