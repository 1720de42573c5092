import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';

/** The catalog's pages render without script, with the real prices, and advertise only real savings. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

async function page(url: string) {
  const r = await t.http.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
  return { status: r.statusCode, body: r.body };
}

describe('listings', () => {
  it('/tools, /training and /consulting list their products with a starting price', async () => {
    const tools = await page('/tools');
    expect(tools.status).toBe(200);
    for (const name of [
      'Mapper to FHIR',
      'Data Quality Assessments',
      'FHIR Analytics',
      'Build a FHIR App with AI',
    ]) {
      expect(tools.body).toContain(name);
    }
    expect(tools.body).toContain('<strong>$29.00</strong> per seat per month');
    const training = await page('/training?currency=EUR');
    expect(training.body).toContain('€299.00');
    expect(training.body).toContain('Custom Training Program');
    const consulting = await page('/consulting?currency=GBP');
    expect(consulting.body).toContain('£2,125.00');
    expect(consulting.body).toMatch(/<a href="\/consulting\?currency=GBP" aria-current="true">GBP<\/a>/);
    // An unknown currency falls back to USD instead of failing.
    expect((await page('/tools?currency=XYZ')).body).toContain('$29.00');
  });
});

describe('product pages', () => {
  it('select an edition and term with a GET form and show that SKU\u2019s price in the chosen currency', async () => {
    const p = await page('/products/mapper-to-fhir?edition=PR&term=A&currency=CAD');
    expect(p.status).toBe(200);
    expect(p.body).toContain('<form method="get" action="/products/mapper-to-fhir"');
    expect(p.body).toMatch(/<input type="radio" name="edition" value="PR" checked\/?>/);
    expect(p.body).toMatch(/<input type="radio" name="term" value="A" checked\/?>/);
    expect(p.body).toContain('CA$1,350.00');
    expect(p.body).toContain('2 months free');
    expect(p.body).toContain('<form method="post" action="/cart/items"');
    expect(p.body).toContain('name="sku" value="TL-MAPPER-PR-A"');
    expect(p.body).toContain('name="currency" value="CAD"');
    expect(p.body).toMatch(/name="quantity" type="number" min="1" max="5" step="1" value="1"/);
    expect(p.body).toContain('name="_csrf"');
    expect(p.body).toContain('Records per month');
  });

  it('sell a tool edition per seat, up to its users, and point beyond it', async () => {
    const p = await page('/products/mapper-to-fhir?edition=PR&term=A&quantity=3');
    expect(p.body).toContain('<strong>$990.00</strong> <span class="price-period">per seat per year</span>');
    expect(p.body).toMatch(/<output id="seat-total"[^>]*>3 seats: \$2,970.00<\/output>/);
    expect(p.body).toMatch(
      /<input id="field-quantity" name="quantity" type="number" min="1" max="5" step="1" value="3"/,
    );
    expect(p.body).toContain('<th scope="row">Seats per purchase</th><td>1 to 5</td>');
    // Beyond Professional's five seats: Enterprise, a quote.
    expect(p.body).toContain('Need more than 5 seats?');
    expect(p.body).toContain(
      '<a href="/products/mapper-to-fhir?edition=EN">Ask for a quote for Enterprise</a>',
    );
    // Starter is for one person; more seats are Professional's. More than the edition carries is not offered.
    const starter = await page('/products/mapper-to-fhir?edition=ST&term=M&quantity=4');
    expect(starter.body).toMatch(/max="1" step="1" value="1"/);
    expect(starter.body).toContain(
      '<a href="/products/mapper-to-fhir?edition=PR&amp;term=M">Choose Professional</a>',
    );
    // No bigger edition and nothing to quote: ask us.
    const quality = await page('/products/data-quality-assessments?edition=PR&term=M');
    expect(quality.body).toContain('Need more than 10 seats? <a href="/contact">Contact us</a>');
  });

  it('offer a seat quantity for per-seat training', async () => {
    const p = await page('/products/fhir-fundamentals?edition=LV&quantity=4');
    expect(p.body).toContain('$1,499.00');
    expect(p.body).toContain('per seat');
    expect(p.body).toMatch(
      /<input id="field-quantity" name="quantity" type="number" min="1" max="1000" step="1" value="4"/,
    );
  });

  it('offer a quote form, not the cart, for contact-sales items', async () => {
    const p = await page('/products/mapper-to-fhir?edition=EN');
    expect(p.body).toContain('Request a quote');
    expect(p.body).toContain('name="sku" value="TL-MAPPER-EN"');
    expect(p.body).not.toContain('action="/cart/items"');
    const bundle = await page('/products/enterprise-bundle');
    expect(bundle.body).toContain('From <');
    expect(bundle.body).toContain('$15,000.00');
    expect(bundle.body).toContain('Request a quote');
  });

  it('show a bundle\u2019s parts and no fake saving', async () => {
    const p = await page('/products/starter-bundle');
    expect(p.body).toContain('$999.00');
    expect(p.body).toContain('$779.00');
    expect(p.body).toContain('Bought separately, these items cost less than the bundle.');
    expect(p.body).not.toMatch(/37 ?%/);
    expect(p.body).not.toContain('1,579');
  });

  it('fall back to an offered combination, and 404 for an unknown product', async () => {
    const p = await page('/products/mapper-to-fhir?edition=EN&term=M');
    expect(p.status).toBe(200);
    expect(p.body).toContain('That combination is not offered');
    expect((await page('/products/no-such-thing')).status).toBe(404);
  });
});

describe('/pricing', () => {
  it('compares editions and limits, monthly by default', async () => {
    const p = await page('/pricing');
    expect(p.status).toBe(200);
    expect(p.body).toMatch(/<a href="\/pricing" aria-current="true">Monthly billing<\/a>/);
    expect(p.body).toContain('<strong>$29.00</strong> per seat per month');
    expect(p.body).toContain('<strong>$399.00</strong> per seat per month');
    expect(p.body).toContain(
      '<th scope="row">Seats per purchase</th><td>1 (a single user)</td><td>1 to 5</td>',
    );
    expect(p.body).toContain('Contact us');
    expect(p.body).toContain('Dashboards');
    expect(p.body).not.toContain('Annual saving');
  });

  it('shows the real annual saving when billed annually', async () => {
    const p = await page('/pricing?billing=annual&currency=EUR');
    expect(p.body).toMatch(
      /<a href="\/pricing\?billing=annual&amp;currency=EUR" aria-current="true">Annual billing<\/a>/,
    );
    expect(p.body).toContain('<strong>€290.00</strong> per seat per year');
    // 12 × 29 − 290 = 58 = two monthly payments.
    expect(p.body).toContain('2 months free<br/><span class="price-period">save €58.00</span>');
  });

  it('lists bundles with their real individual price and no invented saving, and an FAQ', async () => {
    const p = await page('/pricing');
    expect(p.body).toContain('$4,258.00');
    expect(p.body).toContain('$4,999.00');
    expect(p.body).not.toContain('42 %');
    expect(p.body).toContain('<details><summary>Do prices include VAT or sales tax?</summary>');
    expect(p.body).toContain('$250.00'); // consulting: price per hour of the 10-hour block
  });

  it('needs no script (JSON-LD data blocks are data, never run)', async () => {
    const code = /<script(?![^>]*type="application\/ld\+json")[^>]*>/;
    for (const url of ['/pricing', '/tools', '/products/consulting-blocks']) {
      expect((await page(url)).body).not.toMatch(code);
    }
    // A per-seat product page renders its total itself; its one island only updates it as the buyer types.
    const scripts =
      (await page('/products/mapper-to-fhir')).body.match(
        /<script(?![^>]*type="application\/ld\+json")[^>]*>/g,
      ) ?? [];
    expect(scripts).toEqual([
      expect.stringMatching(
        /^<script type="module" src="\/assets\/seat-total\.[0-9a-f]{8}\.js" fetchpriority="low">$/,
      ),
    ]);
  });
});

describe('the screenshots gallery', () => {
  const get = (url: string) => t.http.inject({ method: 'GET', url });

  it('shows a tool’s screenshots through the content image pipeline: AVIF, WebP and PNG at several widths', async () => {
    const p = await page('/products/mapper-to-fhir');
    const start = p.body.indexOf('id="gallery-title"');
    expect(start).toBeGreaterThan(0);
    const gallery = p.body.slice(start, p.body.indexOf('</ul>', start));
    const pictures = gallery.split('<picture>').slice(1);
    expect(pictures).toHaveLength(3);
    const first = pictures[0]!;
    const srcset = (attr: RegExp) => {
      const m = attr.exec(first);
      expect(m, String(attr)).not.toBeNull();
      return m![1]!.split(', ').map((c) => c.split(' ') as [string, string]);
    };
    const variant = (ext: string) =>
      new RegExp(`^/media/images/tools/mapper-to-fhir-1\\.png/[0-9a-f]{16}-(480|800|1200|1600)\\.${ext}$`);
    for (const [ext, attr] of [
      ['avif', /<source type="image\/avif" srcset="([^"]+)"/],
      ['webp', /<source type="image\/webp" srcset="([^"]+)"/],
      ['png', /<img src="[^"]+" srcset="([^"]+)"/],
    ] as const) {
      const candidates = srcset(attr);
      expect(candidates.map(([, w]) => w)).toEqual(['480w', '800w', '1200w', '1600w']);
      for (const [url, w] of candidates) {
        expect(url).toMatch(variant(ext));
        expect(url).toContain(`-${w.slice(0, -1)}.${ext}`);
      }
    }
    expect(first).toMatch(/sizes="[^"]*100vw"/);
    expect(first).toContain('width="1600" height="1000"');
    expect(first).toContain('loading="lazy"');
    expect(first).toMatch(/alt="[^"]{10,}"/);
    // Every variant the browser may pick is served, encoded at its width, cacheable for a year.
    const [avif480] = srcset(/<source type="image\/avif" srcset="([^"]+)"/)[0]!;
    const res = await get(avif480);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/avif');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const meta = await sharp(res.rawPayload).metadata();
    expect([meta.format, meta.width]).toEqual(['heif', 480]);
    // The gallery links to the full-size image; the page's social card is a 1200 px PNG.
    const full = /<a href="([^"]+)"><picture>/.exec(gallery)![1]!;
    expect(full).toMatch(/^\/media\/images\/tools\/mapper-to-fhir-1\.png\/[0-9a-f]{16}-1600\.png$/);
    expect((await get(full)).statusCode).toBe(200);
    const card = /<meta property="og:image" content="([^"]+)"/.exec(p.body)![1]!;
    expect(card).toMatch(/^http.*\/media\/images\/tools\/mapper-to-fhir-1\.png\/[0-9a-f]{16}-1200\.png$/);
    expect((await get(new URL(card).pathname)).headers['content-type']).toBe('image/png');
  });

  it('leaves out a screenshot whose image does not exist', async () => {
    const marketing = t.app.modules.catalog.marketing;
    const { productKey, ...current } = (await marketing.data()).pages.find(
      (p) => p.productKey === 'TL-QUALITY',
    )!;
    const kept = current.screenshots[0]!;
    await marketing.setPage(
      { actor: { userId: 'usr_staff', email: 'staff@fhiriq.example' }, ip: '127.0.0.1', requestId: 'test' },
      productKey,
      { ...current, screenshots: [{ ...kept, src: 'images/tools/no-such-screen.png' }, kept] },
    );
    const p = await page('/products/data-quality-assessments');
    expect(p.status).toBe(200);
    expect(p.body).not.toContain('no-such-screen');
    expect(p.body.split('<picture>')).toHaveLength(2);
    expect(p.body).toContain(`/media/${kept.src}/`);
  });
});
