import { type Currency, formatMoney } from '../../../platform/money.ts';
import type { CatalogEntry } from '../domain/catalog-view.ts';

/**
 * A bundle's contents with the real arithmetic: each item's own price, the
 * total bought separately, and a saving only when there is one.
 */
export function BundleContents(props: { entry: CatalogEntry; currency: Currency; headingLevel?: 2 | 3 }) {
  const { entry, currency } = props;
  const bundle = entry.bundle;
  if (!bundle) return null;
  const pricing = bundle.pricing.find((p) => p.currency === currency);
  const money = (a: number | null | undefined) =>
    a === null || a === undefined ? '—' : formatMoney(a, currency);
  const dearer =
    pricing?.individualPrice != null && pricing.price !== null && pricing.individualPrice < pricing.price;
  return (
    <>
      <table class="bundle-table">
        <caption>What the {entry.name.replace(/ \(annual\)$/, '')} contains</caption>
        <thead>
          <tr>
            <th scope="col">Item</th>
            <th scope="col" class="num">
              Price on its own
            </th>
          </tr>
        </thead>
        <tbody>
          {bundle.items.map((i) => (
            <tr>
              <td>
                {i.quantity > 1 ? `${i.quantity} × ` : ''}
                {i.name}
              </td>
              <td class="num">
                {money(i.prices[currency] === undefined ? null : i.prices[currency]! * i.quantity)}
              </td>
            </tr>
          ))}
        </tbody>
        {pricing && (
          <tfoot>
            <tr>
              <th scope="row">Bought separately</th>
              <td class="num">{money(pricing.individualPrice)}</td>
            </tr>
            <tr>
              <th scope="row">Bundle price</th>
              <td class="num">{money(pricing.price)}</td>
            </tr>
            <tr>
              <th scope="row">Saving</th>
              <td class="num">
                {pricing.savings !== null
                  ? `${money(pricing.savings)} (${pricing.savingsPercent}\u00a0%)`
                  : 'None'}
              </td>
            </tr>
          </tfoot>
        )}
      </table>
      {dearer && <p class="bundle-note">Bought separately, these items cost less than the bundle.</p>}
    </>
  );
}
