import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, csrfFrom, postForm } from '../accounts/test-support.ts';
import { activePriceId, call, catalogSnapshot, staffJars, type Who } from './test-support.ts';

/** Staff edits: who may make them, price history, audit, and the checker refusing a broken catalog. */

let t: TestApp;
let jars: Record<Who, CookieJar>;
beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-05-01T10:00:00Z' });
  jars = await staffJars(t);
});
afterAll(async () => t?.close());

const audits = async (action: string) =>
  (
    await sql<{ actor_email: string; target_id: string; before: unknown; after: unknown }>`
      SELECT actor_email, target_id, before, after FROM audit_event WHERE action = ${action} ORDER BY at`.execute(
      t.app.ctx.db,
    )
  ).rows;

describe('permissions', () => {
  const routes: ['GET' | 'PATCH' | 'PUT', string, unknown, Record<Who, number>][] = [
    [
      'GET',
      '/api/v1/admin/catalog/issues',
      undefined,
      { anonymous: 401, customer: 403, support: 403, admin: 200 },
    ],
    [
      'GET',
      '/api/v1/admin/catalog/skus/TL-MAPPER-ST-M',
      undefined,
      { anonymous: 401, customer: 403, support: 403, admin: 200 },
    ],
    [
      'PATCH',
      '/api/v1/admin/catalog/skus/TL-MAPPER-ST-M',
      { name: 'Mapper to FHIR Starter (monthly)' },
      { anonymous: 401, customer: 403, support: 403, admin: 200 },
    ],
    [
      'PUT',
      '/api/v1/admin/catalog/skus/BN-STARTER-A/items',
      {
        items: [
          { sku: 'TL-BUILDER-IN-A', quantity: 1 },
          { sku: 'TL-MAPPER-ST-A', quantity: 1 },
          { sku: 'TR-FHIR101-SP-P', quantity: 1 },
        ],
      },
      { anonymous: 401, customer: 403, support: 403, admin: 200 },
    ],
    ['GET', '/api/v1/admin/quotes', undefined, { anonymous: 401, customer: 403, support: 200, admin: 200 }],
    ['GET', '/admin/quotes', undefined, { anonymous: 303, customer: 403, support: 200, admin: 200 }],
    ['GET', '/admin/catalog', undefined, { anonymous: 303, customer: 403, support: 403, admin: 200 }],
    [
      'PATCH',
      '/api/v1/admin/catalog/products/TL-QUALITY',
      { type: 'desktop_software' },
      { anonymous: 401, customer: 403, support: 403, admin: 200 },
    ],
  ];
  for (const [method, url, body, expected] of routes) {
    it(`${method} ${url}`, async () => {
      for (const who of ['anonymous', 'customer', 'support', 'admin'] as const) {
        const page = !url.startsWith('/api/');
        const r = page
          ? await t.http.inject({
              method: 'GET',
              url,
              headers: { accept: 'text/html', cookie: jars[who].header() },
            })
          : await call(t, method, url, { jar: jars[who], body });
        expect(r.statusCode, `${who} ${method} ${url}: ${r.body.slice(0, 200)}`).toBe(expected[who]);
      }
    });
  }

  it('refuses price edits to everyone but admins, and writes nothing', async () => {
    const id = await activePriceId(t, 'TL-MAPPER-PR-M', 'USD');
    const before = await catalogSnapshot(t);
    for (const who of ['anonymous', 'customer', 'support'] as const) {
      const jar = jars[who];
      expect(
        (
          await api(t, 'POST', '/api/v1/admin/catalog/prices', {
            jar,
            body: { sku: 'TL-MAPPER-PR-M', currency: 'USD', amount: 1 },
          })
        ).statusCode,
      ).toBeGreaterThanOrEqual(401);
      expect(
        (await api(t, 'PATCH', `/api/v1/admin/catalog/prices/${id}`, { jar, body: { amount: 1 } }))
          .statusCode,
      ).toBeGreaterThanOrEqual(401);
      expect(
        (await api(t, 'POST', `/api/v1/admin/catalog/prices/${id}/archive`, { jar })).statusCode,
      ).toBeGreaterThanOrEqual(401);
    }
    expect(await catalogSnapshot(t)).toBe(before);
  });
});

describe('prices', () => {
  it('a change of amount archives the old price (still readable) and adds a new one, audited', async () => {
    const oldId = await activePriceId(t, 'TL-ANALYTICS-ST-M', 'EUR');
    const r = await api(t, 'PATCH', `/api/v1/admin/catalog/prices/${oldId}`, {
      jar: jars.admin,
      body: { amount: 8_900 },
    });
    expect(r.statusCode, r.body).toBe(200);
    const { archived, price } = r.json();
    expect(archived).toMatchObject({
      id: oldId,
      status: 'archived',
      amount: 9_900,
      archivedAt: '2026-05-01T10:00:00.000Z',
    });
    expect(price).toMatchObject({
      sku: 'TL-ANALYTICS-ST-M',
      currency: 'EUR',
      amount: 8_900,
      status: 'active',
    });
    expect(price.id).not.toBe(oldId);

    // The public catalog sells at the new price at once.
    expect((await api(t, 'GET', '/api/v1/catalog/TL-ANALYTICS-ST-M')).json().prices.EUR).toBe(8_900);
    // The old row stays readable, by id and in the SKU's history.
    expect(await t.app.modules.catalog.service.priceById(oldId)).toMatchObject({
      amount: 9_900,
      status: 'archived',
    });
    const history = (
      await api(t, 'GET', '/api/v1/admin/catalog/skus/TL-ANALYTICS-ST-M', { jar: jars.admin })
    ).json();
    expect(history.prices.filter((p: { currency: string }) => p.currency === 'EUR')).toHaveLength(2);

    const [entry] = await audits('catalog.price.change');
    expect(entry).toMatchObject({
      actor_email: 'cat-admin@example.com',
      target_id: 'TL-ANALYTICS-ST-M',
      before: { id: oldId, amount: 9_900 },
      after: { id: price.id, amount: 8_900 },
    });
    // Changing an archived price is a conflict.
    const again = await api(t, 'PATCH', `/api/v1/admin/catalog/prices/${oldId}`, {
      jar: jars.admin,
      body: { amount: 7_900 },
    });
    expect(again.statusCode).toBe(409);
  });

  it('archive, then create a price in a currency that has none; a second active one is a conflict', async () => {
    const id = await activePriceId(t, 'TL-QUALITY-PR-A', 'CAD');
    const archived = await api(t, 'POST', `/api/v1/admin/catalog/prices/${id}/archive`, { jar: jars.admin });
    expect(archived.statusCode, archived.body).toBe(200);
    expect(archived.json()).toMatchObject({ status: 'archived' });
    expect((await api(t, 'GET', '/api/v1/catalog/TL-QUALITY-PR-A')).json().prices.CAD).toBeUndefined();
    const issues = (await api(t, 'GET', '/api/v1/admin/catalog/issues', { jar: jars.admin })).json().issues;
    expect(issues).toContainEqual(
      expect.objectContaining({ code: 'missing_currency', subject: 'TL-QUALITY-PR-A', currency: 'CAD' }),
    );

    const created = await api(t, 'POST', '/api/v1/admin/catalog/prices', {
      jar: jars.admin,
      body: { sku: 'TL-QUALITY-PR-A', currency: 'CAD', amount: 269_000 },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      sku: 'TL-QUALITY-PR-A',
      currency: 'CAD',
      amount: 269_000,
      status: 'active',
    });
    const dup = await api(t, 'POST', '/api/v1/admin/catalog/prices', {
      jar: jars.admin,
      body: { sku: 'TL-QUALITY-PR-A', currency: 'CAD', amount: 1 },
    });
    expect(dup.statusCode).toBe(409);
    expect((await audits('catalog.price.archive')).length).toBe(1);
    expect((await audits('catalog.price.create')).length).toBe(1);
  });
});

describe('an edit that breaks the catalog', () => {
  async function rejected(method: 'PATCH' | 'POST' | 'PUT', url: string, body: unknown, issue: string) {
    const before = await catalogSnapshot(t);
    const auditBefore = (
      await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event`.execute(t.app.ctx.db)
    ).rows[0]!.n;
    const r = await call(t, method, url, { jar: jars.admin, body });
    expect(r.statusCode, r.body).toBe(422);
    expect(r.json().error.code).toBe('CATALOG_INVALID');
    expect(
      r
        .json()
        .error.details.map((d: { message: string }) => d.message)
        .join('\n'),
    ).toContain(issue);
    expect(await catalogSnapshot(t)).toBe(before);
    const auditAfter = (
      await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event`.execute(t.app.ctx.db)
    ).rows[0]!.n;
    expect(auditAfter).toBe(auditBefore);
  }

  it('is rejected with CATALOG_INVALID, listing the issues, and changes nothing', async () => {
    const usd = await activePriceId(t, 'TL-MAPPER-ST-M', 'USD');
    await rejected('POST', `/api/v1/admin/catalog/prices/${usd}/archive`, {}, 'missing_usd_price');
    // Archiving a SKU a buyable bundle contains.
    await rejected(
      'PATCH',
      '/api/v1/admin/catalog/skus/TR-FHIR101-SP-P',
      { status: 'archived' },
      'bundle_component_not_buyable',
    );
    // A bundle of something nobody can buy (a contact-sales item), or of another bundle.
    await rejected(
      'PUT',
      '/api/v1/admin/catalog/skus/BN-STARTER-A/items',
      { items: [{ sku: 'TL-MAPPER-EN', quantity: 1 }] },
      'bundle_component_not_buyable',
    );
    await rejected(
      'PUT',
      '/api/v1/admin/catalog/skus/BN-STARTER-A/items',
      { items: [{ sku: 'BN-PROFESSIONAL-A', quantity: 1 }] },
      'bundle_nested',
    );
  });

  it('while a warning (a bundle dearer than its parts) is reported, not refused', async () => {
    const r = await call(t, 'PUT', '/api/v1/admin/catalog/skus/BN-STARTER-A/items', {
      jar: jars.admin,
      body: {
        items: [
          { sku: 'TL-BUILDER-IN-A', quantity: 1 },
          { sku: 'TL-MAPPER-ST-A', quantity: 1 },
        ],
      },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().items).toHaveLength(2);
    const issues = (await api(t, 'GET', '/api/v1/admin/catalog/issues', { jar: jars.admin })).json().issues;
    expect(issues).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        code: 'bundle_not_cheaper',
        subject: 'BN-STARTER-A',
        currency: 'USD',
      }),
    );
    expect(issues.filter((i: { severity: string }) => i.severity === 'error')).toEqual([]);
    // The permission test's edit is in the log too; this one is the edit from three items to two.
    const audit = (await audits('catalog.bundle.update')).find((a) => (a.after as unknown[]).length === 2);
    expect((audit!.before as unknown[]).length).toBe(3);
  });
});

describe('SKU edits', () => {
  it('rename and change limits, audited; archiving a SKU takes it out of the public catalog', async () => {
    const r = await api(t, 'PATCH', '/api/v1/admin/catalog/skus/TL-BUILDER-PR-M', {
      jar: jars.admin,
      body: {
        name: 'App Builder Pro (monthly)',
        limits: { appsPerMonth: 30, users: 5, githubIntegration: true, customProfiles: true },
      },
    });
    expect(r.statusCode, r.body).toBe(200);
    const pub = (await api(t, 'GET', '/api/v1/catalog/TL-BUILDER-PR-M')).json();
    expect(pub).toMatchObject({ name: 'App Builder Pro (monthly)', limits: { appsPerMonth: 30 } });
    const audit = (await audits('catalog.sku.update')).find((a) => a.target_id === 'TL-BUILDER-PR-M');
    expect(audit).toMatchObject({
      target_id: 'TL-BUILDER-PR-M',
      before: { name: 'Build a FHIR App with AI Professional (monthly)' },
    });

    expect(
      (
        await api(t, 'PATCH', '/api/v1/admin/catalog/skus/TR-ADVANCED-LV-S', {
          jar: jars.admin,
          body: { status: 'archived' },
        })
      ).statusCode,
    ).toBe(200);
    expect((await api(t, 'GET', '/api/v1/catalog/TR-ADVANCED-LV-S')).statusCode).toBe(404);
    // Limits belong to licenses only.
    const wrong = await api(t, 'PATCH', '/api/v1/admin/catalog/skus/CS-BLOCKS-10-B', {
      jar: jars.admin,
      body: { limits: { users: 1 } },
    });
    expect(wrong.statusCode).toBe(400);
  });

  it('the issues report shows 002\u2019s overpriced Professional bundle to staff', async () => {
    const issues = (await api(t, 'GET', '/api/v1/admin/catalog/issues', { jar: jars.admin })).json().issues;
    const pro = issues.find(
      (i: { subject: string; currency?: string }) =>
        i.subject === 'BN-PROFESSIONAL-A' && i.currency === 'USD',
    );
    expect(pro).toMatchObject({ severity: 'warning', code: 'bundle_not_cheaper' });
    expect(pro.message).toContain('$4,999.00');
    const page = await t.http.inject({
      method: 'GET',
      url: '/admin/catalog',
      headers: { accept: 'text/html', cookie: jars.admin.header() },
    });
    expect(page.body).toContain('BN-PROFESSIONAL-A');
    expect(page.body).toContain('no saving is advertised');
  });
});

describe('product types', () => {
  it('are in the catalog JSON; staff change a tool from download to hosted, audited, never to a misfit', async () => {
    const type = async (sku: string) => (await api(t, 'GET', `/api/v1/catalog/${sku}`)).json().product.type;
    expect(await type('TL-MAPPER-PR-A')).toBe('desktop_software');
    expect(await type('TL-ANALYTICS-PR-A')).toBe('web_service');
    expect(await type('TR-FHIR101-SP-P')).toBe('training_course');
    expect(await type('CS-BLOCKS-10-B')).toBe('consulting');
    expect(await type('BN-STARTER-A')).toBe('bundle');

    const r = await api(t, 'PATCH', '/api/v1/admin/catalog/products/TL-QUALITY', {
      jar: jars.admin,
      body: { type: 'web_service' },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ key: 'TL-QUALITY', kind: 'tool', type: 'web_service' });
    expect(await type('TL-QUALITY-PR-A')).toBe('web_service');
    const audit = (await audits('catalog.product.update')).find(
      (a) => (a.after as { type: string }).type === 'web_service',
    );
    expect(audit).toMatchObject({ target_id: 'TL-QUALITY', before: { type: 'desktop_software' } });

    const before = await catalogSnapshot(t);
    for (const [key, body, status, code] of [
      ['TR-FHIR101', { type: 'desktop_software' }, 400, 'VALIDATION_FAILED'],
      ['TL-QUALITY', { type: 'mainframe' }, 400, 'VALIDATION_FAILED'],
      ['TL-QUALITY', { type: 'web_service', kind: 'course' }, 400, 'VALIDATION_FAILED'],
      ['TL-NOWHERE', { type: 'web_service' }, 404, 'NOT_FOUND'],
    ] as const) {
      const bad = await api(t, 'PATCH', `/api/v1/admin/catalog/products/${key}`, { jar: jars.admin, body });
      expect([bad.statusCode, bad.json().error.code], `${key} ${JSON.stringify(body)}`).toEqual([
        status,
        code,
      ]);
    }
    expect(await catalogSnapshot(t)).toBe(before);

    // The staff page offers the choice for tools only, and saves it.
    const { token, html } = await csrfFrom(t, jars.admin, '/admin/catalog');
    expect(html).toContain('<select id="type-TL-MAPPER" name="type">');
    expect(html).not.toContain('id="type-TR-FHIR101"');
    const saved = await postForm(t, jars.admin, '/admin/catalog/products/TL-QUALITY', {
      _csrf: token,
      type: 'desktop_software',
    });
    expect(saved.statusCode).toBe(303);
    expect(await type('TL-QUALITY-PR-A')).toBe('desktop_software');
    const refused = await postForm(t, jars.admin, '/admin/catalog/products/TL-QUALITY', {
      _csrf: token,
      type: 'training_course',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('a tool is desktop_software or web_service');
  });
});
