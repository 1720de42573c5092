import type { ComponentChildren } from 'preact';
import { type Currency, formatMoney } from '../../../platform/money.ts';
import { Button, Layout, type PageChrome } from '../../../web/index.ts';
import type { CatalogEntry } from '../domain/catalog-view.ts';
import type { ProductDef } from '../domain/types.ts';
import { CurrencyChooser, period, withQuery } from './shared.tsx';

export interface ListedProduct {
  product: ProductDef;
  entries: CatalogEntry[];
  /** The lowest price shown as "From …", or null (contact sales only). */
  from: { amount: number; entry: CatalogEntry } | null;
}

export interface ListingPageProps extends PageChrome {
  path: '/tools' | '/training' | '/consulting';
  title: string;
  lead: string;
  currency: Currency;
  products: ListedProduct[];
  /** A line per product slug under its description (a course's hours and next date). */
  notes?: Record<string, string>;
  /** Sections after the list (how consulting engagements work, questions). */
  children?: ComponentChildren;
  jsonLd?: Record<string, unknown>[];
}

/** /tools, /training and /consulting: one card per product with its starting price. */
export function ListingPage(props: ListingPageProps) {
  const { currency } = props;
  return (
    <Layout
      {...props}
      title={props.title}
      description={props.lead}
      canonicalPath={props.path}
      currentPath={props.path}
      jsonLd={props.jsonLd}
    >
      <section class="section catalog-page" aria-labelledby="listing-title">
        <div class="container">
          <div class="catalog-heading">
            <div>
              <h1 id="listing-title">{props.title}</h1>
              <p class="section-lead">{props.lead}</p>
            </div>
            <CurrencyChooser path={props.path} current={currency} />
          </div>
          <ul class="grid grid-2 product-list">
            {props.products.map(({ product, entries, from }) => {
              const editions = [...new Set(entries.map((e) => e.edition?.name).filter(Boolean))];
              const headingId = `product-${product.slug}`;
              return (
                <li class="card product-card">
                  <h2 class="card-title" id={headingId}>
                    {product.name}
                  </h2>
                  <p>{product.description}</p>
                  {props.notes?.[product.slug] && <p class="product-note">{props.notes[product.slug]}</p>}
                  {editions.length > 1 && <p class="product-editions">{editions.join(' · ')}</p>}
                  <p class="product-from">
                    {from ? (
                      <>
                        <span class="visually-hidden">Price: </span>
                        {entries.length > 1 && 'From '}
                        <strong>{formatMoney(from.amount, currency)}</strong> {period(from.entry)}
                        {from.entry.purchase === 'contact_sales' && ' (quoted)'}
                      </>
                    ) : (
                      'Price on request'
                    )}
                  </p>
                  <Button
                    href={withQuery(`/products/${product.slug}`, {
                      currency: currency === 'USD' ? undefined : currency,
                    })}
                    variant="secondary"
                  >
                    Details and pricing<span class="visually-hidden">{` for ${product.name}`}</span>
                  </Button>
                </li>
              );
            })}
          </ul>
          <p class="catalog-note">
            Prices exclude VAT and sales tax, which are added at checkout where they apply.{' '}
            <a href="/pricing">Compare plans and bundles</a>.
          </p>
          {props.children}
        </div>
      </section>
    </Layout>
  );
}
