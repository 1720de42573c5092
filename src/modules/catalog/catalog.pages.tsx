import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { VNode } from 'preact';
import Type from 'typebox';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPage, sendPublicPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';
import { staffOf } from './catalog.http.ts';
import type { CatalogService } from './catalog.service.ts';
import { type CatalogView, fromPrice } from './domain/catalog-view.ts';
import { isoDate } from './domain/marketing.ts';
import { PRODUCT_TYPES, type ProductType } from './domain/types.ts';
import type { MarketingService } from './marketing.service.ts';
import type { QuoteService } from './quotes.service.ts';
import { CatalogIssuesPage, QuotesPage } from './views/admin-views.tsx';
import { listingExtras } from './views/listing-extras.tsx';
import { ListingPage, type ListingPageProps } from './views/listing-views.tsx';
import { PricingPage } from './views/pricing-view.tsx';
import { type ProductImages, productMarketing, screenshotPictures } from './views/product-marketing.ts';
import { ProductPage, type QuoteFormState } from './views/product-view.tsx';
import { currencyOf, withQuery } from './views/shared.tsx';

/**
 * The catalog's pages: listings, product pages, pricing, and the staff pages
 * for quote requests and the checker. Server-rendered, no script needed:
 * choices are links or GET forms, purchases and quotes are POST forms.
 */

// Page URLs may carry tracking or other harmless parameters: unknown ones are ignored, not refused.
const pageQuery = <P extends Parameters<typeof Type.Object>[0]>(p: P) =>
  Type.Object(p, { additionalProperties: true });
const short = Type.Optional(Type.String({ maxLength: 20 }));
const hidden = { hide: true } as const;
const formField = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

function html(reply: FastifyReply, page: VNode, status = 200) {
  return sendPage(reply, page, { status });
}

const LISTINGS: Record<'TL' | 'TR' | 'CS', Pick<ListingPageProps, 'path' | 'title' | 'lead'>> = {
  TL: {
    path: '/tools',
    title: 'Tools',
    lead: 'Software that maps, checks, analyses and builds on FHIR data. Monthly or annual plans; cancel any time.',
  },
  TR: {
    path: '/training',
    title: 'Training',
    lead: 'Self-paced courses with lifetime access, live workshops sold per seat, and programmes built for your team.',
  },
  CS: {
    path: '/consulting',
    title: 'Consulting',
    lead: 'Blocks of expert hours, a fixed-price readiness assessment, and implementation projects scoped with you.',
  },
};

export function registerCatalogPages(
  app: HttpServer,
  deps: {
    catalog: CatalogService;
    quotes: QuoteService;
    accounts: AccountsModule;
    quoteLimit: preHandlerAsyncHookHandler;
    marketing: MarketingService;
    clock: Clock;
    siteUrl: string;
    images: ProductImages;
  },
): void {
  const { catalog, quotes, accounts, marketing } = deps;
  const chrome = (request: FastifyRequest, reply: FastifyReply) => accounts.pageChrome(request, reply);
  // Public pages: a CSRF cookie and token only where a form needs them (sendPublicPage caches the rest).
  const publicChrome = (request: FastifyRequest, reply: FastifyReply, forms = false) =>
    accounts.publicPageChrome(request, reply, { forms });

  for (const [category, meta] of Object.entries(LISTINGS)) {
    app.get(
      meta.path,
      { schema: { ...hidden, querystring: pageQuery({ currency: short }) } },
      async (request, reply) => {
        const [view, data] = await Promise.all([catalog.view(), marketing.data()]);
        const currency = currencyOf(request.query.currency);
        const products = view.productsOf(category).map((product) => {
          const entries = view.skusOf(product.key);
          return { product, entries, from: fromPrice(entries, currency) };
        });
        const extra = listingExtras(category, view, data, currency, isoDate(deps.clock.now()));
        return sendPublicPage(
          request,
          reply,
          ListingPage({ ...publicChrome(request, reply), ...meta, currency, products, ...extra }),
        );
      },
    );
  }

  app.get(
    '/pricing',
    { schema: { ...hidden, querystring: pageQuery({ currency: short, billing: short }) } },
    async (request, reply) => {
      const [view, data] = await Promise.all([catalog.view(), marketing.data()]);
      const inCategory = (c: string) => view.entries.filter((e) => e.category === c);
      return sendPublicPage(
        request,
        reply,
        PricingPage({
          ...publicChrome(request, reply),
          currency: currencyOf(request.query.currency),
          billing: request.query.billing === 'annual' ? 'annual' : 'monthly',
          tools: view.productsOf('TL').map((product) => ({ product, entries: view.skusOf(product.key) })),
          training: inCategory('TR'),
          consulting: inCategory('CS'),
          bundles: inCategory('BN'),
          faq: data.faq.filter((f) => f.topic === 'pricing'),
        }),
      );
    },
  );

  const productQuery = pageQuery({
    edition: short,
    term: short,
    currency: short,
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    quote: short,
  });
  type ProductQuery = {
    edition?: string;
    term?: string;
    currency?: string;
    quantity?: number;
    quote?: string;
  };

  async function productPage(
    request: FastifyRequest,
    reply: FastifyReply,
    view: CatalogView,
    slug: string,
    query: ProductQuery,
    quote?: QuoteFormState,
  ) {
    const product = view.productBySlug(slug);
    const entries = product ? view.skusOf(product.key) : [];
    if (!product || entries.length === 0) throw new AppError('NOT_FOUND');
    const matches = (e: (typeof entries)[number]) =>
      (query.edition === undefined || e.edition?.code === query.edition) &&
      (query.term === undefined || e.term?.code === query.term);
    const exact = entries.find(matches);
    const selected = exact ?? entries.find((e) => e.edition?.code === query.edition) ?? entries[0]!;
    const monthly =
      selected.interval === 'year'
        ? (entries.find((e) => e.edition?.code === selected.edition?.code && e.interval === 'month') ?? null)
        : null;
    const data = await marketing.data();
    const pictures = await screenshotPictures(
      data.pages.find((p) => p.productKey === product.key) ?? null,
      deps.images,
    );
    const about = productMarketing({
      product,
      entries,
      data,
      now: deps.clock.now(),
      siteUrl: deps.siteUrl,
      pictures,
    });
    return sendPublicPage(
      request,
      reply,
      ProductPage({
        ...publicChrome(request, reply, true),
        marketing: about,
        product,
        entries,
        selected,
        monthly,
        beyond: view.beyondSeats(selected),
        currency: currencyOf(query.currency),
        // Seats asked for in the URL, within what the edition carries.
        quantity: Math.min(query.quantity ?? 1, selected.maxSeats ?? 1),
        adjusted: !exact,
        quoteSent: query.quote === 'sent',
        ...(quote ? { quote } : {}),
      }),
      { status: quote ? 400 : 200 },
    );
  }

  app.get(
    '/products/:slug',
    {
      schema: {
        ...hidden,
        params: Type.Object({ slug: Type.String({ maxLength: 80 }) }, { additionalProperties: false }),
        querystring: productQuery,
      },
    },
    async (request, reply) =>
      productPage(request, reply, await catalog.view(), request.params.slug, request.query),
  );

  app.post(
    '/quotes',
    {
      preHandler: deps.quoteLimit,
      schema: {
        ...hidden,
        body: Type.Object(
          {
            _csrf: formField(512),
            sku: Type.String({ minLength: 1, maxLength: 40 }),
            name: formField(1000),
            email: formField(1000),
            organization: formField(1000),
            message: formField(10_000),
            website: formField(1000),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { sku, name = '', email = '', organization = '', message = '', website } = request.body;
      const view = await catalog.view();
      const entry = await catalog.get(sku, undefined, view);
      const back = { edition: entry.edition?.code, term: entry.term?.code };
      try {
        await quotes.request({ sku, name, email, organization, message, website });
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'VALIDATION_FAILED') throw err;
        const errors: Record<string, string> = {};
        for (const d of err.details ?? []) errors[d.path?.replace(/^\//, '') ?? ''] = d.message;
        return productPage(request, reply, view, entry.product.slug, back, {
          values: { name, email, organization, message },
          errors,
          message: 'Please correct the marked fields.',
        });
      }
      return reply.redirect(withQuery(`/products/${entry.product.slug}`, { ...back, quote: 'sent' }), 303);
    },
  );

  const quoteNotices: Record<string, string> = { status: 'The quote request is updated.' };
  async function quotesPage(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { notice?: string | null; error?: string | null; status?: number } = {},
  ) {
    const canManage = request.actor ? accounts.can(request.actor, 'admin.quotes.manage') : false;
    return html(
      reply,
      QuotesPage({
        ...chrome(request, reply),
        quotes: await quotes.list({ limit: 200, offset: 0 }),
        canManage,
        notice: options.notice ?? null,
        error: options.error ?? null,
      }),
      options.status,
    );
  }

  app.get(
    '/admin/quotes',
    {
      preHandler: accounts.requirePermission('admin.quotes.read'),
      schema: { ...hidden, querystring: pageQuery({ done: short }) },
    },
    async (request, reply) =>
      quotesPage(request, reply, { notice: quoteNotices[request.query.done ?? ''] ?? null }),
  );

  app.post(
    '/admin/quotes/:id/status',
    {
      preHandler: accounts.requirePermission('admin.quotes.manage'),
      schema: {
        ...hidden,
        params: Type.Object({ id: Type.String({ maxLength: 40 }) }, { additionalProperties: false }),
        body: Type.Object(
          { _csrf: formField(512), status: formField(40), note: formField(10_000) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const { status = '', note } = request.body;
      try {
        await quotes.changeStatus(staffOf(request), request.params.id, { status, note });
      } catch (err) {
        // What the form can explain is shown above the list; anything else is an error page.
        if (
          !(err instanceof AppError) ||
          !['VALIDATION_FAILED', 'QUOTE_STATUS_CONFLICT'].includes(err.code)
        ) {
          throw err;
        }
        const detail = err.details?.map((d) => d.message).join(' ');
        return quotesPage(request, reply, { error: detail || err.message, status: err.status });
      }
      return reply.redirect('/admin/quotes?done=status', 303);
    },
  );

  async function catalogPage(
    request: FastifyRequest,
    reply: FastifyReply,
    options: { notice?: string | null; error?: string | null; status?: number } = {},
  ) {
    const view = await catalog.view();
    return html(
      reply,
      CatalogIssuesPage({
        ...chrome(request, reply),
        issues: await catalog.issues(),
        products: [...view.products].sort(
          (a, b) => a.category.localeCompare(b.category) || a.position - b.position,
        ),
        notice: options.notice ?? null,
        error: options.error ?? null,
      }),
      options.status,
    );
  }

  app.get(
    '/admin/catalog',
    {
      preHandler: accounts.requirePermission('admin.catalog.manage'),
      schema: { ...hidden, querystring: pageQuery({ done: short }) },
    },
    async (request, reply) =>
      catalogPage(request, reply, {
        notice: request.query.done === 'type' ? 'The product’s delivery type is saved.' : null,
      }),
  );

  app.post(
    '/admin/catalog/products/:key',
    {
      preHandler: accounts.requirePermission('admin.catalog.manage'),
      schema: {
        ...hidden,
        params: Type.Object({ key: Type.String({ maxLength: 40 }) }, { additionalProperties: false }),
        body: Type.Object({ _csrf: formField(512), type: formField(40) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const type = request.body.type ?? '';
      try {
        if (!(PRODUCT_TYPES as readonly string[]).includes(type))
          throw new AppError('VALIDATION_FAILED', undefined, {
            details: [{ path: '/type', message: 'choose one of the listed types' }],
          });
        await catalog.updateProduct(staffOf(request), request.params.key, { type: type as ProductType });
      } catch (err) {
        if (!(err instanceof AppError) || !['VALIDATION_FAILED', 'CATALOG_INVALID'].includes(err.code))
          throw err;
        const detail = err.details?.map((d) => d.message).join(' ');
        return catalogPage(request, reply, { error: detail || err.message, status: err.status });
      }
      return reply.redirect(`/admin/catalog?done=type#product-${request.params.key}`, 303);
    },
  );
}
