import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, csrfFrom, nextIp, signedInUser } from '../accounts/test-support.ts';
import { staffJars, type Who } from '../catalog/test-support.ts';

/**
 * Product releases over HTTP: staff upload (streamed multipart, checksum and size computed on
 * the way), entitled customers download the exact bytes through a link signed for them, every
 * download recorded; expired, tampered and borrowed links are refused; no license, a revoked
 * license or an unpublished release is 404; an oversized or invalid upload leaves no file and no row.
 */

let t: TestApp;
let jars: Record<Who, CookieJar>;
let owner: CookieJar; // owns a TL-MAPPER license
let seatHolder: CookieJar; // holds a seat on it
let stranger: CookieJar; // no license
let licenseId: string;
const MAX = 64 * 1024;
const PRODUCT = 'TL-MAPPER';

async function userId(email: string): Promise<string> {
  const r = await sql<{ id: string }>`SELECT id FROM auth_user WHERE email = ${email}`.execute(t.app.ctx.db);
  return r.rows[0]!.id;
}

/** A multipart/form-data body built by hand: fields in order, then the file. */
function multipart(fields: [string, string][], file?: { name: string; bytes: Buffer }) {
  const boundary = `----fhiriq${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of fields)
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  if (file)
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function upload(
  jar: CookieJar,
  fields: Record<string, string>,
  file: { name: string; bytes: Buffer } | undefined,
  options: { url?: string; token?: 'header' | 'field' | 'none' } = {},
) {
  const { token } = await csrfFrom(t, jar, '/admin/releases');
  const how = options.token ?? 'header';
  const body = multipart(
    [...(how === 'field' ? [['_csrf', token] as [string, string]] : []), ...Object.entries(fields)],
    file,
  );
  return t.http.inject({
    method: 'POST',
    url: options.url ?? '/api/v1/admin/releases',
    remoteAddress: nextIp(),
    headers: {
      cookie: jar.header(),
      'content-type': body.contentType,
      ...(how === 'header' ? { 'x-csrf-token': token } : {}),
      ...(options.url?.startsWith('/admin') ? { accept: 'text/html' } : {}),
    },
    payload: body.payload,
  });
}

const state = async () => ({
  rows: (
    await sql<{ releases: number; downloads: number; audits: number }>`
      SELECT (SELECT count(*)::int FROM product_release) AS releases,
             (SELECT count(*)::int FROM release_download) AS downloads,
             (SELECT count(*)::int FROM audit_event) AS audits`.execute(t.app.ctx.db)
  ).rows[0]!,
  files: fs.existsSync(releaseDir()) ? fs.readdirSync(releaseDir()).sort() : [],
});
const releaseDir = () => path.join(t.config.dataDir, 'releases');

interface Listed {
  productKey: string;
  releases: {
    id: string;
    version: string;
    sha256: string;
    sizeBytes: number;
    size: string;
    downloadUrl: string;
  }[];
}
async function listed(jar: CookieJar): Promise<Listed[]> {
  const r = await api(t, 'GET', '/api/v1/account/downloads', { jar });
  expect(r.statusCode, r.body).toBe(200);
  return r.json().products;
}
const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};
const get = (url: string, jar: CookieJar, ip = nextIp()) =>
  t.http.inject({ method: 'GET', url, headers: { cookie: jar.header() }, remoteAddress: ip });

beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-08-01T10:00:00Z', env: { RELEASE_MAX_BYTES: String(MAX) } });
  jars = await staffJars(t, 'dl');
  owner = jars.customer;
  seatHolder = await signedInUser(t, 'seat@hospital.example');
  stranger = await signedInUser(t, 'stranger@elsewhere.example');
  const ownerEmail = 'dl-customer@example.com';
  const issued = await t.app.modules.licensing.licenses.issue({
    sku: 'TL-MAPPER-PR-A',
    email: ownerEmail,
    userId: await userId(ownerEmail),
    source: 'staff',
    sourceRef: 'staff:downloads-test',
    seats: 3,
  });
  licenseId = issued.license.id;
  await t.app.modules.licensing.seats.assign(licenseId, 'Seat@Hospital.example', {
    kind: 'customer',
    userId: await userId(ownerEmail),
    email: ownerEmail,
  });
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('releases', () => {
  const bytes = randomBytes(40 * 1024 + 17);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let releaseId: string;

  it('staff upload a release: streamed to disk with its size and SHA-256, audited', async () => {
    const r = await upload(
      jars.admin,
      { productKey: PRODUCT, version: '1.4.2', platform: 'linux', notes: 'Fixes <b>imports</b>\nand more' },
      { name: '../fhiriq mapper-1.4.2.tar.gz', bytes },
    );
    expect(r.statusCode, r.body).toBe(201);
    const release = r.json();
    expect(release).toMatchObject({
      productKey: PRODUCT,
      version: '1.4.2',
      platform: 'linux',
      fileName: 'fhiriq_mapper-1.4.2.tar.gz',
      sizeBytes: bytes.length,
      size: '40.0 KiB',
      sha256,
      status: 'published',
      downloads: 0,
    });
    releaseId = release.id;
    const stored = fs.readFileSync(path.join(releaseDir(), `${releaseId}.bin`));
    expect(stored.equals(bytes)).toBe(true);
    expect(fs.readdirSync(releaseDir())).toEqual([`${releaseId}.bin`]);
    const audit = await sql<{ action: string; actor_email: string }>`
      SELECT action, actor_email FROM audit_event WHERE target_id = ${releaseId}`.execute(t.app.ctx.db);
    expect(audit.rows).toEqual([{ action: 'release.upload', actor_email: 'dl-admin@example.com' }]);
  });

  it('an entitled customer gets a signed link and downloads the exact bytes; the download is recorded', async () => {
    const products = await listed(owner);
    expect(products.map((p) => p.productKey)).toEqual([PRODUCT]);
    const [listedRelease] = products[0]!.releases;
    expect(listedRelease).toMatchObject({ id: releaseId, sha256, sizeBytes: bytes.length });
    const url = pathOf(listedRelease!.downloadUrl);
    expect(url).toMatch(new RegExp(`^/downloads/${releaseId}\\?exp=\\d+&sig=[\\w-]+$`));

    // A browser asks for compression; the file still goes out as stored, with its length.
    const res = await t.http.inject({
      method: 'GET',
      url,
      headers: { cookie: owner.header(), 'accept-encoding': 'gzip, br' },
      remoteAddress: '10.9.9.9',
    });
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(bytes)).toBe(true);
    expect(res.headers['content-length']).toBe(String(bytes.length));
    expect(res.headers['content-disposition']).toBe('attachment; filename="fhiriq_mapper-1.4.2.tar.gz"');
    const recorded = await sql<{ user_id: string; ip: string; at: Date }>`
      SELECT user_id, ip, at FROM release_download WHERE release_id = ${releaseId}`.execute(t.app.ctx.db);
    expect(recorded.rows).toEqual([
      {
        user_id: await userId('dl-customer@example.com'),
        ip: '10.9.9.9',
        at: new Date('2026-08-01T10:00:00Z'),
      },
    ]);

    // The portal page lists it with the link, the size and the checksum; notes are escaped.
    const html = (
      await t.http.inject({
        method: 'GET',
        url: '/account/downloads',
        headers: { accept: 'text/html', cookie: owner.header() },
      })
    ).body;
    expect(html).toContain(sha256);
    expect(html).toContain('40.0 KiB');
    expect(html).toContain('Fixes &lt;b>imports&lt;/b><br/>and more');
    expect(html).toContain(`href="/downloads/${releaseId}?exp=`);

    // A named user on the license is entitled too (seats are matched by email, any case).
    const seat = await listed(seatHolder);
    const seatUrl = pathOf(seat[0]!.releases[0]!.downloadUrl);
    expect((await get(seatUrl, seatHolder)).rawPayload.equals(bytes)).toBe(true);

    // Staff see the count.
    const list = await api(t, 'GET', '/api/v1/admin/releases', { jar: jars.support });
    expect(list.json().items).toMatchObject([{ id: releaseId, downloads: 2 }]);
    const page = await t.http.inject({
      method: 'GET',
      url: '/admin/releases',
      headers: { accept: 'text/html', cookie: jars.support.header() },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('Upload a release'); // support reads, admins upload
  });

  it('expired, tampered and borrowed links are refused and nothing is recorded', async () => {
    const url = pathOf((await listed(owner))[0]!.releases[0]!.downloadUrl);
    const before = await state();
    const tampered = url.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    const longer = url.replace(/exp=(\d+)/, (_m, e: string) => `exp=${Number(e) + 3600}`);
    for (const [link, jar, status, code] of [
      [tampered, owner, 403, 'DOWNLOAD_LINK_INVALID'],
      [longer, owner, 403, 'DOWNLOAD_LINK_INVALID'],
      [url, seatHolder, 403, 'DOWNLOAD_LINK_INVALID'], // another user's link
      [url.replace(/&sig=.*/, ''), owner, 400, 'VALIDATION_FAILED'],
    ] as const) {
      const r = await get(link, jar);
      expect(r.statusCode, link).toBe(status);
      expect(r.json().error.code).toBe(code);
    }
    // Anonymous: the link alone is not enough.
    expect((await t.http.inject({ method: 'GET', url })).statusCode).toBe(401);
    t.clock!.advance(5 * 60_000 + 1000);
    const expired = await get(url, owner);
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error.code).toBe('DOWNLOAD_LINK_EXPIRED');
    expect(await state()).toEqual(before);
  });

  it('a customer without a license sees nothing and gets 404, even with a correctly signed link', async () => {
    expect(await listed(stranger)).toEqual([]);
    const forged = t.app.modules.downloads.service.link(
      releaseId,
      await userId('stranger@elsewhere.example'),
    );
    const before = await state();
    const r = await get(forged.url, stranger);
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe('NOT_FOUND');
    expect(await state()).toEqual(before);
    // Customers reach no staff route.
    expect((await api(t, 'GET', '/api/v1/admin/releases', { jar: stranger })).statusCode).toBe(403);
  });

  it('invalid and oversized uploads are refused and leave no file and no row', async () => {
    const before = await state();
    const cases: [Record<string, string>, { name: string; bytes: Buffer } | undefined, number, string][] = [
      [
        { productKey: PRODUCT, version: '1.x', platform: 'linux', notes: '' },
        { name: 'a.zip', bytes },
        400,
        'VALIDATION_FAILED',
      ],
      [
        { productKey: 'TL-NOPE', version: '1.0.0', platform: 'linux', notes: '' },
        { name: 'a.zip', bytes },
        400,
        'VALIDATION_FAILED',
      ],
      [
        { productKey: PRODUCT, version: '1.0.0', platform: 'beos', notes: '' },
        { name: 'a.zip', bytes },
        400,
        'VALIDATION_FAILED',
      ],
      [
        { productKey: PRODUCT, version: '1.0.0', platform: 'linux', notes: '' },
        undefined,
        400,
        'VALIDATION_FAILED',
      ],
      [
        { productKey: PRODUCT, version: '1.4.2', platform: 'linux', notes: '' },
        { name: 'a.zip', bytes },
        409,
        'RELEASE_EXISTS',
      ],
      [
        { productKey: PRODUCT, version: '9.0.0', platform: 'linux', notes: '' },
        { name: 'big.zip', bytes: randomBytes(MAX + 1) },
        413,
        'RELEASE_TOO_LARGE',
      ],
    ];
    for (const [fields, file, status, code] of cases) {
      const r = await upload(jars.admin, fields, file);
      expect(r.statusCode, `${JSON.stringify(fields)} ${r.body}`).toBe(status);
      expect(r.json().error.code).toBe(code);
    }
    // Without a CSRF token, or as support (no upload permission), nothing is even read.
    const noToken = await upload(
      jars.admin,
      { productKey: PRODUCT, version: '3.0.0', platform: 'any' },
      { name: 'a', bytes },
      { token: 'none' },
    );
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe('CSRF_INVALID');
    const support = await upload(
      jars.support,
      { productKey: PRODUCT, version: '3.0.0', platform: 'any' },
      { name: 'a', bytes },
    );
    expect(support.statusCode).toBe(403);
    // The form says why (413) and keeps nothing either.
    const form = await upload(
      jars.admin,
      { productKey: PRODUCT, version: '9.0.0', platform: 'any', notes: '' },
      { name: 'big.zip', bytes: randomBytes(MAX * 2) },
      { url: '/admin/releases', token: 'field' },
    );
    expect(form.statusCode).toBe(413);
    expect(form.body).toContain('The release file is larger than allowed.');
    expect(await state()).toEqual(before);
  });

  it('the upload form (token as its first field) publishes; unpublishing hides the release (audited)', async () => {
    const other = randomBytes(2048);
    const form = await upload(
      jars.admin,
      { productKey: PRODUCT, version: '1.10.0-beta.1', platform: 'any', notes: '' },
      { name: 'mapper.zip', bytes: other },
      { url: '/admin/releases', token: 'field' },
    );
    expect(form.statusCode, form.body).toBe(303);
    expect(form.headers.location).toBe('/admin/releases?done=uploaded');
    // Newest first by version: 1.10.0-beta.1 sorts above 1.4.2.
    const versions = (await listed(owner))[0]!.releases.map((r) => r.version);
    expect(versions).toEqual(['1.10.0-beta.1', '1.4.2']);

    const unpublished = await api(t, 'POST', `/api/v1/admin/releases/${releaseId}/unpublish`, {
      jar: jars.admin,
    });
    expect(unpublished.statusCode, unpublished.body).toBe(200);
    expect(unpublished.json()).toMatchObject({ status: 'unpublished', downloads: 2 });
    expect((await listed(owner))[0]!.releases.map((r) => r.version)).toEqual(['1.10.0-beta.1']);
    const link = t.app.modules.downloads.service.link(releaseId, await userId('dl-customer@example.com'));
    expect((await get(link.url, owner)).statusCode).toBe(404);
    const audit = await sql<{ before: unknown; after: unknown }>`
      SELECT before, after FROM audit_event WHERE target_id = ${releaseId} AND action = 'release.unpublish'`.execute(
      t.app.ctx.db,
    );
    const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    expect(audit.rows.map((r) => [json(r.before), json(r.after)])).toEqual([
      [{ status: 'published' }, { status: 'unpublished' }],
    ]);
  });

  it('a revoked license loses access at once, links already issued included', async () => {
    const [release] = (await listed(owner))[0]!.releases;
    const url = pathOf(release!.downloadUrl);
    const seatUrl = pathOf((await listed(seatHolder))[0]!.releases[0]!.downloadUrl);
    await t.app.modules.licensing.licenses.setStatus(
      licenseId,
      'REVOKED',
      { kind: 'system', reason: 'test' },
      'refund',
    );
    expect(await listed(owner)).toEqual([]);
    expect(await listed(seatHolder)).toEqual([]);
    expect((await get(url, owner)).statusCode).toBe(404);
    expect((await get(seatUrl, seatHolder)).statusCode).toBe(404);
  });
});

describe('the API document', () => {
  it('documents the upload as a multipart form and every downloads route with its inputs', async () => {
    const doc = (await t.http.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content?: Record<string, unknown> }; tags?: string[] }>
      >;
    };
    expect(Object.keys(doc.paths['/api/v1/admin/releases']!.post!.requestBody!.content!)).toEqual([
      'multipart/form-data',
    ]);
    for (const p of [
      '/api/v1/account/downloads',
      '/downloads/{releaseId}',
      '/api/v1/admin/releases/{id}/unpublish',
    ])
      expect(Object.values(doc.paths[p]!)[0]!.tags, p).toEqual(['downloads']);
  });
});

describe('a real HTTP upload', () => {
  it('streams a FormData body sent with fetch', async () => {
    const address = await t.http.listen({ host: '127.0.0.1', port: 0 });
    const { token } = await csrfFrom(t, jars.admin, '/admin/releases');
    const bytes = randomBytes(30_000);
    const form = new FormData();
    form.append('productKey', PRODUCT);
    form.append('version', '2.0.0');
    form.append('platform', 'windows');
    form.append('file', new Blob([bytes]), 'setup.exe');
    const res = await fetch(`${address}/api/v1/admin/releases`, {
      method: 'POST',
      headers: { cookie: jars.admin.header(), 'x-csrf-token': token },
      body: form,
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const release = (await res.json()) as { id: string; sha256: string; sizeBytes: number };
    expect(release.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(release.sizeBytes).toBe(bytes.length);
    expect(fs.readFileSync(path.join(releaseDir(), `${release.id}.bin`)).equals(bytes)).toBe(true);
  });
});
