import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { CatalogModule } from '../catalog/index.ts';
import type { OrdersModule } from '../orders/index.ts';
import type { PaymentsModule } from '../payments/index.ts';
import type { TaxModule } from '../tax/index.ts';
import { CartService } from './cart.service.ts';
import { registerCheckoutPages } from './checkout.pages.tsx';
import { registerCheckoutRoutes } from './checkout.routes.ts';
import { CheckoutService } from './checkout.service.ts';
import type { CheckoutTables } from './checkout.tables.ts';

/**
 * Cart and checkout: guest and customer carts (merged lazily on the first
 * cart access after sign-in), the tax quote before paying, and exactly one
 * order and one payment per cart version.
 */

export {
  type CartOwner,
  type CartResult,
  CartService,
  type CartView,
  type CookieAction,
} from './cart.service.ts';
export { CART_COOKIE } from './checkout.http.ts';
export {
  type CheckoutInput,
  type CheckoutResult,
  CheckoutService,
  type QuoteResult,
} from './checkout.service.ts';
export type { CheckoutTables } from './checkout.tables.ts';
export { type BillingInput, type CleanBilling, cleanBilling } from './domain/billing.ts';
export { MAX_LINES, MAX_SEATS, mergeItems, quantityProblem } from './domain/cart-rules.ts';

export interface CheckoutModule extends AppModule {
  name: 'checkout';
  carts: CartService;
  checkout: CheckoutService;
}

export function createCheckoutModule(
  ctx: PlatformContext,
  deps: {
    accounts: AccountsModule;
    catalog: CatalogModule;
    tax: TaxModule;
    orders: OrdersModule;
    payments: PaymentsModule;
  },
): CheckoutModule {
  const db = ctx.db.withTables<CheckoutTables>();
  const carts = new CartService(ctx, db, deps.catalog);
  const checkout = new CheckoutService(ctx, db, carts, deps);
  const secureCookies = ctx.config.secureCookies;
  return {
    name: 'checkout',
    carts,
    checkout,
    async registerRoutes(app: HttpServer) {
      registerCheckoutRoutes(app, { carts, checkout, secureCookies });
      registerCheckoutPages(app, { carts, checkout, accounts: deps.accounts, secureCookies });
    },
  };
}
