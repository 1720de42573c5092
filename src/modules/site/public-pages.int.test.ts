import fs from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { HtmlValidate } from 'html-validate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, nextIp } from '../accounts/test-support.ts';
import { staffJars, type Who } from '../catalog/test-support.ts';

/**
 * Every public page renders: each URL of /sitemap.xml and the public pages that are not
 * indexed answer 200 with valid HTML (html-validate, the repository's .htmlvalidate.json),
 * exactly one h1, a title and a description; the sitemap lists the published pages and
 * nothing else; JSON-LD parses and has the types each page promises.
 */

const SITE = 'https://fhiriq.example';
let t: TestApp;
let jars: Record<Who, CookieJar>;
const validator = new HtmlValidate(
  JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../../.htmlvalidate.json'), 'utf8')),
);

beforeAll(async () => {
  t = await createTestApp({ env: { PUBLIC_URL: SITE }, clockAt: '2026-12-01T09:00:00Z' });
  jars = await staffJars(t, 'site');
});
afterAll(async () => t?.close());

const get = (url: string) =>
  t.http.inject({ method: 'GET', url, headers: { accept: 'text/html' }, remoteAddress: nextIp() });

async function sitemapPaths(): Promise<string[]> {
  const r = await get('/sitemap.xml');
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toContain('application/xml');
  expect(XMLValidator.validate(r.body)).toBe(true);
  const doc = new XMLParser({ isArray: (name) => name === 'url' }).parse(r.body);
  const urls: { loc: string; lastmod?: string }[] = doc.urlset.url;
  for (const u of urls) {
    expect(u.loc.startsWith(`${SITE}/`), u.loc).toBe(true);
    if (u.lastmod) expect(Number.isNaN(Date.parse(u.lastmod))).toBe(false);
  }
  return urls.map((u) => new URL(u.loc).pathname);
}

/** The page's JSON-LD blocks, parsed (a block that is not JSON fails the test). */
function jsonLd(html: string): Record<string, unknown>[] {
  return [...html.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/gs)].map((m) =>
    JSON.parse(m[1]!),
  );
}

async function expectGoodPage(url: string): Promise<string> {
  const r = await get(url);
  expect(r.statusCode, url).toBe(200);
  expect(r.headers['content-type']).toContain('text/html');
  const html = r.body;
  const report = await validator.validateString(html);
  const problems = report.results.flatMap((res) =>
    res.messages.map((m) => `${m.ruleId}: ${m.message} (${m.selector})`),
  );
  expect(problems, url).toEqual([]);
  expect(html.match(/<h1[\s>]/g), `${url}: one h1`).toHaveLength(1);
  expect(html, url).toMatch(/<title>[^<]{3,}<\/title>/);
  expect(html, url).toMatch(/<meta name="description" content="[^"]{20,}"\/>/);
  jsonLd(html); // parses
  return html;
}

describe('the sitemap', () => {
  it('lists every published page: home, listings, pricing, contact and every product on sale', async () => {
    const paths = await sitemapPaths();
    const view = await t.app.modules.catalog.service.view();
    const products = ['TL', 'TR', 'CS', 'BN']
      .flatMap((c) => view.productsOf(c))
      .map((p) => `/products/${p.slug}`);
    expect(products.length).toBeGreaterThanOrEqual(14);
    for (const p of ['/', '/tools', '/training', '/consulting', '/pricing', '/contact', ...products]) {
      expect(paths, p).toContain(p);
    }
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('lists nothing private, nothing unindexed, nothing that does not answer 200', async () => {
    const paths = await sitemapPaths();
    for (const p of paths) {
      expect(p).not.toMatch(/^\/(admin|account|api|cart|checkout|sign-|pay|contact\/sent)/);
      const r = await get(p);
      expect(r.statusCode, p).toBe(200);
      expect(r.body, p).not.toContain('name="robots" content="noindex');
    }
  });

  it('drops a product as soon as staff take its last SKU off sale', async () => {
    const archived = await api(t, 'PATCH', '/api/v1/admin/catalog/skus/TR-CUSTOM-ORG', {
      jar: jars.admin,
      body: { status: 'archived' },
    });
    expect(archived.statusCode, archived.body).toBe(200);
    expect(await sitemapPaths()).not.toContain('/products/custom-training');
    expect((await get('/products/custom-training')).statusCode).toBe(404);
    const back = await api(t, 'PATCH', '/api/v1/admin/catalog/skus/TR-CUSTOM-ORG', {
      jar: jars.admin,
      body: { status: 'active' },
    });
    expect(back.statusCode).toBe(200);
    expect(await sitemapPaths()).toContain('/products/custom-training');
  });

  it('is announced by robots.txt, which keeps crawlers out of the console, the portal and the API', async () => {
    const r = await get('/robots.txt');
    expect(r.body).toContain(`Sitemap: ${SITE}/sitemap.xml`);
    for (const p of ['/admin', '/account', '/api/', '/cart', '/checkout'])
      expect(r.body).toContain(`Disallow: ${p}\n`);
  });
});

describe('every public page', () => {
  it('renders valid HTML with one h1, a title, a description and its canonical URL (sitemap pages)', async () => {
    for (const p of await sitemapPaths()) {
      const html = await expectGoodPage(p);
      expect(html, p).toContain(`<link rel="canonical" href="${new URL(p, SITE).href}"/>`);
      expect(html, p).toContain(`<meta property="og:url" content="${new URL(p, SITE).href}"/>`);
      // The default social card (an asset), or the page's own image (a content media variant).
      expect(html, p).toMatch(
        /<meta property="og:image" content="https:\/\/fhiriq\.example\/(assets|media)\/[^"]+\.png"\/>/,
      );
      expect(html, p).toContain('<meta name="twitter:card" content="summary_large_image"/>');
    }
  });

  it('renders valid HTML with one h1, a title and a description (public pages not indexed)', async () => {
    for (const p of [
      '/sign-in',
      '/sign-up',
      '/sign-up/check-email',
      '/forgot-password',
      '/cart',
      '/contact/sent',
    ]) {
      await expectGoodPage(p);
    }
  });

  it('sends /services (001’s name for consulting) to /consulting for good', async () => {
    const r = await get('/services');
    expect(r.statusCode).toBe(301);
    expect(r.headers.location).toBe('/consulting');
  });
});

describe('structured data', () => {
  const types = (html: string) => jsonLd(html).map((d) => d['@type']);

  it('home: the Organization and the WebSite', async () => {
    const [org] = jsonLd((await get('/')).body);
    expect(org).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'Organization',
      name: 'FHIR IQ',
      url: `${SITE}/`,
    });
    expect(types((await get('/')).body)).toEqual(['Organization', 'WebSite']);
  });

  it('a tool: a Product with an Offer per edition, term and currency', async () => {
    const [product] = jsonLd((await get('/products/mapper-to-fhir')).body) as [
      { '@type': string; offers: Record<string, unknown>[]; url: string; image: string[] },
    ];
    expect(product['@type']).toBe('Product');
    expect(product.url).toBe(`${SITE}/products/mapper-to-fhir`);
    // Starter and Professional, monthly and annual, in 4 currencies; Enterprise is quoted, not offered.
    expect(product.offers).toHaveLength(16);
    expect(product.offers).toContainEqual(
      expect.objectContaining({
        '@type': 'Offer',
        sku: 'TL-MAPPER-ST-M',
        price: '29.00',
        priceCurrency: 'USD',
        availability: 'https://schema.org/InStock',
        url: `${SITE}/products/mapper-to-fhir?edition=ST&term=M`,
        priceSpecification: expect.objectContaining({
          referenceQuantity: expect.objectContaining({ unitCode: 'MON' }),
        }),
      }),
    );
    expect(product.offers).toContainEqual(
      expect.objectContaining({ sku: 'TL-MAPPER-PR-A', price: '850.00', priceCurrency: 'GBP' }),
    );
    expect(product.offers.some((o) => o.sku === 'TL-MAPPER-EN')).toBe(false);
  });

  it('a course: a Course with its outline, offers and a CourseInstance per upcoming live date', async () => {
    const [course] = jsonLd((await get('/products/fhir-fundamentals')).body) as [Record<string, unknown>];
    expect(course['@type']).toBe('Course');
    expect(course.timeRequired).toBe('PT20H');
    expect(course.provider).toMatchObject({ '@type': 'Organization', name: 'FHIR IQ' });
    const instances = course.hasCourseInstance as Record<string, unknown>[];
    expect(instances[0]).toMatchObject({
      '@type': 'CourseInstance',
      courseMode: 'Online',
      courseWorkload: 'PT20H',
    });
    const live = instances.filter((i) => i.startDate);
    expect(live.length).toBeGreaterThanOrEqual(3);
    expect(live[0]!.startDate).toMatch(/^\d{4}-\d{2}-\d{2}T10:00:00[+-]\d{2}:\d{2}$/);
    expect(live[0]).toMatchObject({
      maximumAttendeeCapacity: 16,
      instructor: [expect.objectContaining({ '@type': 'Person' })],
    });
    expect((course.offers as unknown[]).length).toBe(8); // self-paced and live, 4 currencies each
  });

  it('pricing: an FAQPage with every question the page shows', async () => {
    const html = (await get('/pricing')).body;
    const [faq] = jsonLd(html) as [{ '@type': string; mainEntity: { name: string }[] }];
    expect(faq['@type']).toBe('FAQPage');
    expect(faq.mainEntity.length).toBeGreaterThanOrEqual(7);
    for (const q of faq.mainEntity)
      expect(html).toContain(`<summary>${q.name.replace(/'/g, '&#39;')}</summary>`);
  });
});
