import type { ComponentChildren } from 'preact';
import { type Currency, formatMoney } from '../../../platform/money.ts';
import { Layout, type PageChrome } from '../../../web/index.ts';
import type { CatalogEntry } from '../domain/catalog-view.ts';
import { faqJsonLd } from '../domain/json-ld.ts';
import type { FaqDef } from '../domain/marketing.ts';
import { annualSaving } from '../domain/pricing.ts';
import type { ProductDef } from '../domain/types.ts';
import { BundleContents } from './bundle-view.tsx';
import { CurrencyChooser, limitName, limitText, orderedLimitKeys, period, withQuery } from './shared.tsx';

export type BillingChoice = 'monthly' | 'annual';

export interface PricingPageProps extends PageChrome {
  currency: Currency;
  billing: BillingChoice;
  tools: { product: ProductDef; entries: CatalogEntry[] }[];
  training: CatalogEntry[];
  consulting: CatalogEntry[];
  bundles: CatalogEntry[];
  /** The pricing questions (catalog data, staff-editable), also given to search engines as FAQPage. */
  faq: readonly FaqDef[];
}

/** A table that may be wider than a phone: a labelled, focusable region so keyboard users can scroll it. */
function Scroll(props: { label: string; children: ComponentChildren }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1).
    <section class="table-wrap" aria-label={props.label} tabIndex={0}>
      {props.children}
    </section>
  );
}

function ToolTable(props: {
  product: ProductDef;
  entries: CatalogEntry[];
  currency: Currency;
  billing: BillingChoice;
}) {
  const { product, entries, currency, billing } = props;
  const interval = billing === 'annual' ? 'year' : 'month';
  const editions = [
    ...new Map(entries.filter((e) => e.edition).map((e) => [e.edition!.code, e.edition!])).values(),
  ];
  const pick = (code: string) =>
    entries.find((e) => e.edition?.code === code && e.interval === interval) ??
    entries.find((e) => e.edition?.code === code && e.purchase === 'contact_sales');
  const limitKeys = orderedLimitKeys(new Set(entries.flatMap((e) => Object.keys(e.limits ?? {}))));
  const monthlyOf = (code: string) => entries.find((e) => e.edition?.code === code && e.interval === 'month');
  return (
    <Scroll label={`${product.name} plans`}>
      <table class="compare-table">
        <caption>
          <a href={`/products/${product.slug}`}>{product.name}</a>
        </caption>
        <thead>
          <tr>
            <td />
            {editions.map((e) => (
              <th scope="col">{e.name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Price</th>
            {editions.map((ed) => {
              const e = pick(ed.code);
              const amount = e?.prices[currency];
              if (!e || e.purchase === 'contact_sales' || amount === undefined) return <td>Contact us</td>;
              return (
                <td>
                  <strong>{formatMoney(amount, currency)}</strong> {period(e)}
                </td>
              );
            })}
          </tr>
          {billing === 'annual' && (
            <tr>
              <th scope="row">Annual saving</th>
              {editions.map((ed) => {
                const a = pick(ed.code);
                const m = monthlyOf(ed.code);
                const am = a?.interval === 'year' ? a.prices[currency] : undefined;
                const mm = m?.prices[currency];
                const s = am !== undefined && mm !== undefined ? annualSaving(mm, am) : null;
                if (!s) return <td>—</td>;
                return (
                  <td>
                    {s.monthsFree ? `${s.monthsFree} months free` : `${s.percent}\u00a0% off`}
                    <br />
                    <span class="price-period">save {formatMoney(s.amount, currency)}</span>
                  </td>
                );
              })}
            </tr>
          )}
          {limitKeys.map((k) => (
            <tr>
              <th scope="row">
                {limitName(
                  k,
                  entries.find((e) => e.maxSeats !== null),
                )}
              </th>
              {editions.map((ed) => {
                const e = pick(ed.code);
                return <td>{limitText(e?.limits?.[k], k, e)}</td>;
              })}
            </tr>
          ))}
          <tr>
            <th scope="row">
              <span class="visually-hidden">Choose</span>
            </th>
            {editions.map((ed) => {
              const e = pick(ed.code);
              const href = withQuery(`/products/${product.slug}`, {
                edition: ed.code,
                term: e?.term?.code,
                currency: currency === 'USD' ? undefined : currency,
              });
              return (
                <td>
                  <a href={href}>
                    {e?.purchase === 'contact_sales' ? 'Ask for a quote' : 'Choose'}
                    <span class="visually-hidden">{` ${product.name} ${ed.name}`}</span>
                  </a>
                </td>
              );
            })}
          </tr>
        </tbody>
      </table>
    </Scroll>
  );
}

function SimpleTable(props: {
  label: string;
  entries: CatalogEntry[];
  currency: Currency;
  perHour?: boolean;
}) {
  const { entries, currency } = props;
  return (
    <Scroll label={props.label}>
      <table class="compare-table">
        <caption>{props.label}</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col" class="num">
              Price
            </th>
            {props.perHour && (
              <th scope="col" class="num">
                Per hour
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => {
            const amount = e.prices[currency];
            const hours = e.fulfillment.kind === 'consulting' ? e.fulfillment.hours : null;
            return (
              <tr>
                <td>
                  <a
                    href={withQuery(`/products/${e.product.slug}`, {
                      edition: e.edition?.code,
                      term: e.term?.code,
                      currency: currency === 'USD' ? undefined : currency,
                    })}
                  >
                    {e.name}
                  </a>
                </td>
                <td class="num">
                  {amount === undefined
                    ? '—'
                    : `${e.purchase === 'contact_sales' ? 'From ' : ''}${formatMoney(amount, currency)} ${period(e)}`}
                </td>
                {props.perHour && (
                  <td class="num">
                    {amount !== undefined && hours ? formatMoney(Math.round(amount / hours), currency) : '—'}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </Scroll>
  );
}

export function PricingPage(props: PricingPageProps) {
  const { currency, billing } = props;
  const cur = currency === 'USD' ? undefined : currency;
  return (
    <Layout
      {...props}
      title="Pricing"
      description="Prices of FHIR IQ's tools, courses, consulting hours and bundles, in US dollars, euros, pounds and Canadian dollars, with answers to common questions."
      canonicalPath="/pricing"
      currentPath="/pricing"
      jsonLd={props.faq.length > 0 ? [faqJsonLd(props.faq)] : []}
    >
      <section class="section catalog-page" aria-labelledby="pricing-title">
        <div class="container">
          <div class="catalog-heading">
            <div>
              <h1 id="pricing-title">Pricing</h1>
              <p class="section-lead">
                Plans for every tool, courses and consulting hours. Prices exclude VAT and sales tax.
              </p>
            </div>
            <CurrencyChooser
              path="/pricing"
              current={currency}
              params={{ billing: billing === 'annual' ? 'annual' : undefined }}
            />
          </div>

          <h2 id="tools-title">Tools</h2>
          <nav aria-label="Billing period" class="billing-toggle">
            <ul>
              {(['monthly', 'annual'] as const).map((b) => (
                <li>
                  <a
                    href={withQuery('/pricing', {
                      billing: b === 'annual' ? 'annual' : undefined,
                      currency: cur,
                    })}
                    aria-current={b === billing ? 'true' : undefined}
                  >
                    {b === 'monthly' ? 'Monthly billing' : 'Annual billing'}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="stack compare-list">
            {props.tools.map((t) => (
              <ToolTable product={t.product} entries={t.entries} currency={currency} billing={billing} />
            ))}
          </div>

          <h2 id="training-title">Training</h2>
          <SimpleTable label="Courses and workshops" entries={props.training} currency={currency} />

          <h2 id="consulting-title">Consulting</h2>
          <SimpleTable
            label="Consulting hours and engagements"
            entries={props.consulting}
            currency={currency}
            perHour
          />

          <h2 id="bundles-title">Bundles</h2>
          <p>
            What each bundle contains and what its items cost on their own, at today&rsquo;s prices. We show a
            saving only where there is one.
          </p>
          <div class="grid grid-2">
            {props.bundles.map((b) => (
              <div class="card bundle-card">
                <h3 class="card-title">
                  <a href={`/products/${b.product.slug}${cur ? `?currency=${cur}` : ''}`}>{b.product.name}</a>
                </h3>
                <p class="price-main">
                  {b.prices[currency] === undefined
                    ? 'Price on request'
                    : `${b.purchase === 'contact_sales' ? 'From ' : ''}${formatMoney(b.prices[currency]!, currency)} ${period(b)}`}
                </p>
                <BundleContents entry={b} currency={currency} />
              </div>
            ))}
          </div>

          <h2 id="faq-title">Questions</h2>
          <div class="faq">
            {props.faq.map((q) => (
              <details>
                <summary>{q.question}</summary>
                <p>{q.answer}</p>
              </details>
            ))}
          </div>
        </div>
      </section>
    </Layout>
  );
}
