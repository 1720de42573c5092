import { CURRENCIES, type Currency, formatMoney } from '../../../platform/money.ts';
import { Alert, CsrfInput, Layout, type PageChrome } from '../../../web/index.ts';
import type { CartView } from '../cart.service.ts';

const PER = { month: 'per month', year: 'per year' } as const;

/** The cart page: lines, seat quantities, remove, currency. Plain forms, no script needed. */
export function CartPage(
  props: PageChrome & { cart: CartView; error?: string | null; status?: string | null },
) {
  const { cart } = props;
  const money = (n: number) => formatMoney(n, cart.currency as Currency);
  const csrf = props.csrfToken !== undefined ? <CsrfInput token={props.csrfToken} /> : null;
  return (
    <Layout {...props} title="Your cart — FHIR IQ" currentPath="/cart">
      <div class="container commerce-page">
        <h1>Your cart</h1>
        {props.error && (
          <Alert kind="error" title="That did not work">
            <p>{props.error}</p>
          </Alert>
        )}
        {props.status && (
          <Alert kind="success">
            <p>{props.status}</p>
          </Alert>
        )}
        {cart.lines.length === 0 ? (
          <p>
            Your cart is empty. Browse <a href="/tools">tools</a>, <a href="/training">training</a> or{' '}
            <a href="/consulting">consulting</a>.
          </p>
        ) : (
          <>
            <div class="table-wrap">
              <table class="cart-lines">
                <caption class="visually-hidden">Items in your cart</caption>
                <thead>
                  <tr>
                    <th scope="col">Item</th>
                    <th scope="col">Quantity</th>
                    <th scope="col" class="num">
                      Price
                    </th>
                    <th scope="col">
                      <span class="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {cart.lines.map((l) => (
                    <tr>
                      <td>
                        {l.name}
                        <br />
                        <span class="sku-code">{l.sku}</span>
                      </td>
                      <td>
                        {l.perSeat && l.maxSeats !== null && l.maxSeats > 1 ? (
                          <form method="post" action="/cart/update" class="inline-form">
                            {csrf}
                            <input type="hidden" name="sku" value={l.sku} />
                            <label for={`qty-${l.sku}`} class="visually-hidden">
                              Seats of {l.name}
                            </label>
                            <input
                              id={`qty-${l.sku}`}
                              name="quantity"
                              type="number"
                              min={1}
                              max={l.maxSeats ?? 1}
                              step={1}
                              value={String(l.quantity)}
                              required
                              aria-describedby={`qty-${l.sku}-hint`}
                            />
                            <span class="form-hint" id={`qty-${l.sku}-hint`}>
                              {l.maxSeats === 1 ? '1 seat' : `1 to ${l.maxSeats} seats`}
                            </span>
                            <button type="submit" class="btn btn-secondary btn-small">
                              Update
                            </button>
                          </form>
                        ) : l.perSeat ? (
                          `${l.quantity} ${l.quantity === 1 ? 'seat' : 'seats'}`
                        ) : (
                          l.quantity
                        )}
                      </td>
                      <td class="num">
                        {l.amount === null ? `Not sold in ${cart.currency}` : money(l.amount)}
                        {l.interval && <> {PER[l.interval]}</>}
                        {l.perSeat && l.unitAmount !== null && (
                          <>
                            <br />
                            <span class="price-note">
                              {l.quantity} × {money(l.unitAmount)} per seat
                              {l.interval ? ` ${PER[l.interval]}` : ''}
                            </span>
                          </>
                        )}
                      </td>
                      <td>
                        <form method="post" action="/cart/remove" class="inline-form">
                          {csrf}
                          <input type="hidden" name="sku" value={l.sku} />
                          <button
                            type="submit"
                            class="btn btn-secondary btn-small"
                            aria-label={`Remove ${l.name}`}
                          >
                            Remove
                          </button>
                        </form>
                      </td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row" colSpan={2}>
                      Subtotal (before tax)
                    </th>
                    <td class="num">
                      <strong>{money(cart.subtotal)}</strong>
                    </td>
                    <td />
                  </tr>
                </tfoot>
              </table>
            </div>
            <form method="post" action="/cart/currency" class="inline-form currency-form">
              {csrf}
              <label for="cart-currency">Currency</label>
              <select id="cart-currency" name="currency">
                {CURRENCIES.map((c) => (
                  <option value={c} selected={c === cart.currency}>
                    {c}
                  </option>
                ))}
              </select>
              <button type="submit" class="btn btn-secondary btn-small">
                Change currency
              </button>
            </form>
            <p class="price-note">Tax is calculated at checkout from your billing address.</p>
            <a class="btn btn-primary" href="/checkout">
              Checkout
            </a>
          </>
        )}
      </div>
    </Layout>
  );
}
