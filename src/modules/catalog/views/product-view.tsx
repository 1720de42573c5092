import { type Currency, formatMoney } from '../../../platform/money.ts';
import { Alert, CsrfInput, FormField, Layout, type PageChrome } from '../../../web/index.ts';
import type { CatalogEntry } from '../domain/catalog-view.ts';
import { annualSaving } from '../domain/pricing.ts';
import type { ProductDef } from '../domain/types.ts';
import { BundleContents } from './bundle-view.tsx';
import { ProductIntro, type ProductMarketing, ProductSections } from './product-sections.tsx';
import {
  CurrencyChooser,
  fulfillmentText,
  limitName,
  limitText,
  orderedLimits,
  period,
  withQuery,
} from './shared.tsx';

export interface QuoteFormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  message?: string;
}

export interface ProductPageProps extends PageChrome {
  product: ProductDef;
  entries: CatalogEntry[];
  selected: CatalogEntry;
  /** The monthly SKU of the selected edition, when the selected one is annual (for the real saving). */
  monthly: CatalogEntry | null;
  /** Per-seat editions: where more seats than the selected edition carries are sold (next edition or quote). */
  beyond: CatalogEntry | null;
  currency: Currency;
  quantity: number;
  /** The visitor asked for a combination that does not exist; the nearest one is shown. */
  adjusted: boolean;
  quoteSent: boolean;
  quote?: QuoteFormState;
  /** What the page says besides prices (product-sections.tsx), with its JSON-LD. */
  marketing?: ProductMarketing;
}

function uniqueBy<T>(items: T[], key: (t: T) => string): T[] {
  return [...new Map(items.map((i) => [key(i), i] as const)).values()];
}

/** The edition × term selector: a GET form, so it works without script and each choice has a URL. */
function Selector(props: ProductPageProps) {
  const { entries, selected, product } = props;
  const editions = uniqueBy(
    entries.flatMap((e) => (e.edition ? [e.edition] : [])),
    (e) => e.code,
  );
  const terms = uniqueBy(
    entries.flatMap((e) => (e.term ? [e.term] : [])),
    (t) => t.code,
  );
  // A term choice only where one edition really comes with several (monthly or annual); a
  // course whose format fixes its term (self-paced: one-time, live: per seat) needs none.
  const termsPerEdition = new Map<string, number>();
  for (const e of entries)
    termsPerEdition.set(e.edition?.code ?? '', (termsPerEdition.get(e.edition?.code ?? '') ?? 0) + 1);
  const chooseTerm = terms.length > 1 && [...termsPerEdition.values()].some((n) => n > 1);
  if (editions.length < 2 && !chooseTerm) return null;
  return (
    <form method="get" action={`/products/${product.slug}`} class="sku-selector">
      {editions.length > 1 && (
        <fieldset>
          <legend>
            {product.kind === 'course' ? 'Format' : product.kind === 'service' ? 'Size' : 'Edition'}
          </legend>
          {editions.map((e) => (
            <label class="choice">
              <input type="radio" name="edition" value={e.code} checked={selected.edition?.code === e.code} />
              {e.name}
            </label>
          ))}
        </fieldset>
      )}
      {chooseTerm && (
        <fieldset>
          <legend>Billing</legend>
          {terms.map((t) => (
            <label class="choice">
              <input type="radio" name="term" value={t.code} checked={selected.term?.code === t.code} />
              {t.name}
            </label>
          ))}
        </fieldset>
      )}
      {props.currency !== 'USD' && <input type="hidden" name="currency" value={props.currency} />}
      <button type="submit" class="btn btn-secondary">
        Show price
      </button>
    </form>
  );
}

function PriceBox(props: ProductPageProps) {
  const { selected, currency } = props;
  const amount = selected.prices[currency];
  const contact = selected.purchase === 'contact_sales';
  const saving =
    props.monthly && amount !== undefined && props.monthly.prices[currency] !== undefined
      ? annualSaving(props.monthly.prices[currency]!, amount)
      : null;
  return (
    <div class="price-box" aria-live="polite">
      <p class="price-sku">
        {selected.name} <span class="sku-code">{selected.sku}</span>
      </p>
      {amount === undefined ? (
        <p class="price-main">{contact ? 'Price on request' : `Not sold in ${currency}`}</p>
      ) : (
        <p class="price-main">
          {contact && <span class="price-from">From </span>}
          <strong>{formatMoney(amount, currency)}</strong>{' '}
          <span class="price-period">{period(selected)}</span>
        </p>
      )}
      {amount !== undefined && !contact && selected.maxSeats !== null && (
        <p class="price-total">
          <output
            id="seat-total"
            for="field-quantity"
            data-unit-amount={String(amount)}
            data-currency={currency}
          >
            {seatsText(props.quantity)}: {formatMoney(amount * props.quantity, currency)}
          </output>
          {totalPeriod(selected) && <span class="price-period"> {totalPeriod(selected)}</span>}
        </p>
      )}
      {saving && (
        <p class="price-saving">
          {saving.monthsFree ? `${saving.monthsFree} months free: ` : ''}
          you save {formatMoney(saving.amount, currency)} ({saving.percent}&nbsp;%) against paying monthly.
        </p>
      )}
      <p class="price-note">Excluding VAT and sales tax.</p>
    </div>
  );
}

function AddToCart(props: ProductPageProps) {
  const { selected, currency, csrfToken } = props;
  if (selected.prices[currency] === undefined) return null;
  return (
    <form method="post" action="/cart/items" class="add-to-cart">
      {csrfToken !== undefined && <CsrfInput token={csrfToken} />}
      <input type="hidden" name="sku" value={selected.sku} />
      <input type="hidden" name="currency" value={currency} />
      {selected.maxSeats !== null ? (
        <div class="form-field">
          <label for="field-quantity">Seats</label>
          <p class="form-hint" id="field-quantity-hint">
            {seatHint(selected)}
          </p>
          <div class="field-control">
            <input
              id="field-quantity"
              name="quantity"
              type="number"
              min={1}
              max={selected.maxSeats}
              step={1}
              value={String(props.quantity)}
              required
              aria-describedby="field-quantity-hint"
              data-seat-total="seat-total"
            />
          </div>
        </div>
      ) : (
        <input type="hidden" name="quantity" value="1" />
      )}
      <button type="submit" class="btn btn-primary">
        Add to cart
      </button>
    </form>
  );
}

const SEAT_TOTAL = ['seat-total.js'] as const;
const seatsText = (n: number) => `${n} ${n === 1 ? 'seat' : 'seats'}`;

/** "per year" for a recurring total, nothing for a one-time one. */
function totalPeriod(e: CatalogEntry): string {
  return e.interval === 'month' ? 'per month' : e.interval === 'year' ? 'per year' : '';
}

function seatHint(e: CatalogEntry): string {
  if (e.fulfillment.kind !== 'license') return 'One seat per participant.';
  const cap = e.maxSeats ?? 1;
  return cap === 1
    ? `One named user: ${e.edition?.name ?? 'this edition'} is for a single person.`
    : `One seat per named user, up to ${cap} with ${e.edition?.name ?? 'this edition'}.`;
}

/** Beyond the selected edition's seats: the next edition, a quote, or a word with sales. */
function MoreSeats(props: ProductPageProps) {
  const { selected, beyond, product, currency } = props;
  if (selected.maxSeats === null || selected.fulfillment.kind !== 'license') return null;
  const cap = selected.maxSeats;
  const href = (e: CatalogEntry) =>
    withQuery(`/products/${product.slug}`, {
      edition: e.edition?.code,
      term: e.term?.code,
      currency: currency === 'USD' ? undefined : currency,
    });
  return (
    <p class="more-seats">
      Need more than {seatsText(cap)}?{' '}
      {beyond === null ? (
        <a href="/contact">Contact us</a>
      ) : beyond.purchase === 'contact_sales' ? (
        <>
          <a href={href(beyond)}>Ask for a quote for {beyond.edition?.name ?? beyond.name}</a>.
        </>
      ) : (
        <>
          <a href={href(beyond)}>Choose {beyond.edition?.name ?? beyond.name}</a>, with up to{' '}
          {seatsText(beyond.maxSeats ?? 1)}.
        </>
      )}
    </p>
  );
}

function QuoteForm(props: ProductPageProps) {
  const { selected, csrfToken, quote } = props;
  if (props.quoteSent) {
    return (
      <Alert kind="success" title="Thank you">
        <p>We received your request and sent you a confirmation. We will answer within two business days.</p>
      </Alert>
    );
  }
  const v = quote?.values ?? {};
  const err = (k: string) => quote?.errors[k] ?? null;
  return (
    <form method="post" action="/quotes" class="form quote-form" aria-labelledby="quote-title">
      <h2 id="quote-title">Request a quote</h2>
      {quote?.message && <Alert kind="error">{quote.message}</Alert>}
      {csrfToken !== undefined && <CsrfInput token={csrfToken} />}
      <input type="hidden" name="sku" value={selected.sku} />
      <FormField
        name="name"
        label="Name"
        autocomplete="name"
        required
        maxLength={100}
        value={v.name}
        error={err('name')}
      />
      <FormField
        name="email"
        label="Work email"
        type="email"
        autocomplete="email"
        required
        maxLength={254}
        value={v.email}
        error={err('email')}
      />
      <FormField
        name="organization"
        label="Organization"
        autocomplete="organization"
        maxLength={200}
        value={v.organization}
        error={err('organization')}
      />
      <div class={err('message') ? 'form-field has-error' : 'form-field'}>
        <label for="field-message">What do you need?</label>
        {err('message') && (
          <p class="form-error" id="field-message-error">
            <span class="visually-hidden">Error: </span>
            {err('message')}
          </p>
        )}
        <textarea
          id="field-message"
          name="message"
          rows={5}
          maxLength={5000}
          required
          aria-invalid={err('message') ? 'true' : undefined}
          aria-describedby={err('message') ? 'field-message-error' : undefined}
        >
          {v.message ?? ''}
        </textarea>
      </div>
      {/* The honeypot: off-screen and out of the tab order; people leave it empty, bots fill it. */}
      <div class="hp-field">
        <label for="field-website">Leave this field empty</label>
        <input id="field-website" name="website" type="text" tabIndex={-1} autocomplete="off" />
      </div>
      <button type="submit" class="btn btn-primary">
        Send request
      </button>
    </form>
  );
}

export function ProductPage(props: ProductPageProps) {
  const { product, selected, currency } = props;
  const path = `/products/${product.slug}`;
  const details = fulfillmentText(selected);
  const cover = props.marketing?.gallery[0];
  const params = { edition: selected.edition?.code, term: selected.term?.code };
  return (
    <Layout
      {...props}
      title={product.name}
      description={product.description}
      canonicalPath={path}
      currentPath={path}
      og={{ type: 'product', ...(cover ? { image: { ...cover.picture.card, alt: cover.picture.alt } } : {}) }}
      jsonLd={props.marketing?.jsonLd}
      islands={selected.maxSeats !== null && selected.purchase === 'buyable' ? SEAT_TOTAL : []}
    >
      <section class="section catalog-page" aria-labelledby="product-title">
        <div class="container">
          <p class="breadcrumb">
            <a href={categoryPath(product.category)}>{categoryName(product.category)}</a>
          </p>
          <div class="catalog-heading">
            <h1 id="product-title">{product.name}</h1>
            <CurrencyChooser path={path} current={currency} params={params} />
          </div>
          <p class="section-lead">{product.description}</p>
          {props.adjusted && (
            <Alert kind="info">That combination is not offered; showing {selected.name} instead.</Alert>
          )}
          <div class="product-layout">
            <div class="product-info">
              <ProductIntro marketing={props.marketing} />
              {selected.description && <p>{selected.description}</p>}
              {details && <p class="product-details">{details}</p>}
              {selected.features.length > 0 && (
                <ul class="checklist">
                  {selected.features.map((f) => (
                    <li>{f}</li>
                  ))}
                </ul>
              )}
              {selected.limits && (
                <table class="limits-table">
                  <caption>What {selected.edition?.name ?? 'this plan'} includes</caption>
                  <tbody>
                    {orderedLimits(selected.limits).map(([k, v]) => (
                      <tr>
                        <th scope="row">{limitName(k, selected)}</th>
                        <td>{limitText(v, k, selected)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              {selected.bundle && <BundleContents entry={selected} currency={currency} />}
            </div>
            <div class="product-buy card">
              <Selector {...props} />
              <PriceBox {...props} />
              {selected.purchase === 'buyable' ? (
                <>
                  <AddToCart {...props} />
                  <MoreSeats {...props} />
                </>
              ) : (
                <QuoteForm {...props} />
              )}
            </div>
          </div>
          <ProductSections marketing={props.marketing} entries={props.entries} name={product.name} />
        </div>
      </section>
    </Layout>
  );
}

export function categoryPath(category: string): string {
  return (
    ({ TL: '/tools', TR: '/training', CS: '/consulting' } as Record<string, string>)[category] ?? '/pricing'
  );
}

function categoryName(category: string): string {
  return ({ TL: 'Tools', TR: 'Training', CS: 'Consulting' } as Record<string, string>)[category] ?? 'Pricing';
}

export { withQuery };
