import type { AppModule, PlatformContext, SitemapEntry } from '../platform/context.ts';
import { type AccountsModule, createAccountsModule } from './accounts/index.ts';
import { createAdminModule } from './admin/index.ts';
import { type AuditModule, createAuditModule } from './audit/index.ts';
import { type CatalogModule, createCatalogModule, type ProductImages } from './catalog/index.ts';
import { type CheckoutModule, createCheckoutModule } from './checkout/index.ts';
import { type ContentModule, createContentModule } from './content/index.ts';
import { createDownloadsModule, type DownloadsModule } from './downloads/index.ts';
import { createFulfillmentModule, type FulfillmentModule } from './fulfillment/index.ts';
import { createInvoicesModule, type InvoicesModule } from './invoices/index.ts';
import { createLeadsModule, type LeadsModule } from './leads/index.ts';
import { createLicensingModule, type LicensingModule } from './licensing/index.ts';
import { createOnboardingModule, type OnboardingModule } from './onboarding/index.ts';
import { createOrdersModule, type OrdersModule } from './orders/index.ts';
import {
  createPaymentsModule,
  type PaymentsModule,
  type StaffOrderAction,
  stripeClient,
} from './payments/index.ts';
import { createPortalModule } from './portal/index.ts';
import { createSiteModule } from './site/index.ts';
import { createSubscriptionsModule, type SubscriptionsModule } from './subscriptions/index.ts';
import { createSupportModule, type SupportModule } from './support/index.ts';
import { createTaxModule, StripeTaxCalculator, type TaxModule } from './tax/index.ts';

export interface Modules {
  accounts: AccountsModule;
  audit: AuditModule;
  catalog: CatalogModule;
  tax: TaxModule;
  orders: OrdersModule;
  payments: PaymentsModule;
  checkout: CheckoutModule;
  subscriptions: SubscriptionsModule;
  licensing: LicensingModule;
  fulfillment: FulfillmentModule;
  onboarding: OnboardingModule;
  invoices: InvoicesModule;
  support: SupportModule;
  downloads: DownloadsModule;
  content: ContentModule;
  leads: LeadsModule;
  /** Every module in dependency order (routes and seeders are registered in this order). */
  all: AppModule[];
}

/**
 * Every domain module, in dependency order. Each module folder exposes one
 * public index.ts; this is the only place that wires them together.
 */
export function createModules(ctx: PlatformContext): Modules {
  const audit = createAuditModule(ctx);
  // Organizations' VAT IDs are verified by the tax module, created after accounts (which it uses).
  let tax: TaxModule | undefined;
  const taxModule = (): TaxModule => {
    if (!tax) throw new Error('The tax module is not wired yet');
    return tax;
  };
  const accounts = createAccountsModule(ctx, {
    taxIds: {
      check: (raw, country, trx) => taxModule().checkTaxNumber(raw, country, trx),
      status: (id, country) => taxModule().taxNumberStatus(id, country),
    },
  });
  // Product pages show screenshots of content/images/ through the content module's image
  // pipeline (AVIF/WebP at several widths, srcset), a port since content, created after the
  // catalog (its case studies link products), must not be a dependency of it.
  let content: ContentModule | undefined;
  const contentImages = () => {
    if (!content) throw new Error('The content module is not wired yet');
    return content.images;
  };
  const productImages: ProductImages = {
    async picture(src, alt) {
      const images = contentImages();
      const [picture, card, full] = await Promise.all([
        images.image(src, alt),
        images.card(src, alt),
        images.original(src),
      ]);
      if (!picture || !card || !full) return null;
      return { ...picture, full, card: { url: card.url, width: card.width, height: card.height } };
    },
    prepare: (src) => contentImages().prepare(src),
  };
  const catalog = createCatalogModule(ctx, { accounts, audit, images: productImages });
  // /sitemap.xml lists what every module says it publishes (read at request time, so new pages appear).
  let all: AppModule[] = [];
  const sitemap = async (): Promise<SitemapEntry[]> =>
    (await Promise.all(all.map((m) => m.sitemapEntries?.() ?? Promise.resolve([])))).flat();
  const site = createSiteModule(ctx, { accounts, catalog, sitemap });
  // The contact form: leads for staff, mailed both ways.
  const leads = createLeadsModule(ctx, { accounts, audit });
  // Quotes price SKUs from the catalog (catalog.service.price fits the tax module's PriceSource);
  // staff edit rates through accounts' guards, audited.
  // TAX_CALCULATOR=stripe: Stripe Tax computes the amounts (the rules stay ours).
  tax = createTaxModule(ctx, {
    prices: catalog.service,
    accounts,
    audit,
    ...(ctx.config.taxCalculator === 'stripe'
      ? { calculator: new StripeTaxCalculator(stripeClient(ctx.config)) }
      : {}),
  });
  // Orders link an unpaid order to its payment page; payments apply provider events to orders.
  let payments: PaymentsModule | undefined;
  const orders = createOrdersModule(ctx, {
    accounts,
    // A provider outage (Stripe unreachable) leaves the order page without its pay link, not broken.
    payUrl: async (orderId) => (payments ? payments.service.payUrlForOrder(orderId).catch(() => null) : null),
    refundsOf: async (orderId) => (payments ? payments.refunds.viewsOfOrder(orderId) : []),
  });
  // Staff actions modules created after payments offer on its order page (fulfillment's resend).
  const orderActions: ((orderId: string) => Promise<StaffOrderAction[]>)[] = [];
  payments = createPaymentsModule(ctx, {
    orders,
    accounts,
    audit,
    orderActions: async (orderId) => (await Promise.all(orderActions.map((of) => of(orderId)))).flat(),
    // Recurring SKUs become Stripe subscription-mode Checkout Sessions.
    intervalOf: async (sku) =>
      catalog.service.skuWithPrices(sku).then(
        (r) => r.sku.interval,
        () => null,
      ),
  });
  const checkout = createCheckoutModule(ctx, { accounts, catalog, tax, orders, payments });
  const subscriptions = createSubscriptionsModule(ctx, { accounts, audit, orders, payments, catalog, tax });
  const licensing = createLicensingModule(ctx, { catalog, audit, accounts });
  // "Order paid" → licenses, enrollments, consulting hours; subscriptions and refunds move them after.
  const fulfillment = createFulfillmentModule(ctx, {
    accounts,
    audit,
    catalog,
    orders,
    payments,
    subscriptions,
    licensing,
    tax,
  });
  orderActions.push((orderId) => fulfillment.service.staffOrderActions(orderId));
  // Tickets may point at the customer's own licenses and orders (each module's user-scoped query).
  const support = createSupportModule(ctx, {
    accounts,
    audit,
    licensesOf: async (userId) =>
      (await licensing.licenses.listForUser(userId)).map((l) => ({ id: l.id, label: `${l.sku} (${l.id})` })),
    ordersOf: async (userId) =>
      (await orders.service.listForUser(userId)).map((o) => ({ id: o.id, label: `Order ${o.number}` })),
  });
  // Releases are offered to the users licensing says are entitled to their product.
  const downloads = createDownloadsModule(ctx, { accounts, audit, catalog, licensing });
  // "Order paid" → 002's onboarding mails, scheduled and sent once each; refunds cancel the rest.
  const onboarding = createOnboardingModule(ctx, { accounts, catalog, orders, payments });
  // The staff console reads today's business from the modules above.
  const admin = createAdminModule(ctx, { accounts, audit, orders, subscriptions, fulfillment, licensing });
  // The customer's dashboard reads what they own from the same modules.
  const portal = createPortalModule(ctx, {
    accounts,
    orders,
    licensing,
    subscriptions,
    fulfillment,
    openTickets: async (userId) => (await support.openTicketsOf(userId)).items,
  });
  // "Order paid" → the invoice (and its mail); "order refunded" → a credit note.
  const invoices = createInvoicesModule(ctx, { accounts, audit, orders, payments });
  // Blog, podcast, case studies, docs and site pages: files seed it, staff edit it; case studies link catalog products.
  content = createContentModule(ctx, { accounts, audit, catalog });
  all = [
    audit,
    accounts,
    catalog,
    tax,
    orders,
    payments,
    checkout,
    subscriptions,
    licensing,
    fulfillment,
    onboarding,
    invoices,
    support,
    downloads,
    content,
    leads,
    site,
    portal,
    admin,
  ];
  return {
    accounts,
    audit,
    catalog,
    tax,
    orders,
    payments,
    checkout,
    subscriptions,
    licensing,
    fulfillment,
    onboarding,
    invoices,
    support,
    downloads,
    content,
    leads,
    all,
  };
}
