import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, csrfFrom, nextIp, postForm } from '../accounts/test-support.ts';
import { call, staffJars, type Who } from '../catalog/test-support.ts';
import { contentTestApp, get } from './test-support.ts';

/**
 * Staff editing of content through the JSON API and the console: create, edit (with revisions
 * and 301s), the status moves, preview, restore, image upload; who may do what; every change
 * audited before/after; bad input refused with a stable code and nothing written.
 */

let t: TestApp;
let jars: Record<Who, CookieJar>;
const BASE = '/api/v1/admin/content';

beforeAll(async () => {
  t = await contentTestApp();
  jars = await staffJars(t, 'content');
});
afterAll(async () => t?.close());

const newPost = (slug: string, over: Record<string, unknown> = {}) => ({
  kind: 'post',
  slug,
  title: `Post ${slug}`,
  description: 'A post written in the console.',
  frontMatter: { date: '2026-05-30', author: 'ada', tags: ['console'] },
  body: '## Hello\n\nWritten by staff.',
  ...over,
});

async function snapshot() {
  const out: Record<string, unknown> = {};
  for (const table of [
    'content_item',
    'content_revision',
    'content_slug_history',
    'content_media',
    'audit_event',
    'content_state',
  ]) {
    out[table] = (await sql`SELECT * FROM ${sql.table(table)} ORDER BY 1`.execute(t.app.ctx.db)).rows;
  }
  return JSON.stringify(out);
}

async function audits(targetId: string) {
  return (
    await sql<{ action: string; before: unknown; after: unknown; actor_email: string }>`
      SELECT action, before, after, actor_email FROM audit_event WHERE target_id = ${targetId} ORDER BY at, id`.execute(
      t.app.ctx.db,
    )
  ).rows;
}

function multipart(fields: [string, string][], file?: { name: string; bytes: Buffer; type?: string }) {
  const boundary = `----fhiriq${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = fields.map(([name, value]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
  );
  if (file) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type ?? 'image/png'}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('staff edit content through the API', () => {
  let id: string;

  it('creates a draft (audited), invisible to the public', async () => {
    const res = await call(t, 'POST', BASE, { jar: jars.admin, body: newPost('console-post') });
    expect(res.statusCode, res.body).toBe(201);
    const item = res.json();
    id = item.id;
    expect(item).toMatchObject({
      kind: 'post',
      status: 'draft',
      version: 1,
      source: 'staff',
      path: '/blog/console-post',
    });
    expect((await get(t, '/blog/console-post')).statusCode).toBe(404);
    const audit = (await audits(id)).find((a) => a.action === 'content.create');
    expect(audit).toMatchObject({
      action: 'content.create',
      before: null,
      actor_email: 'content-admin@example.com',
    });
    expect(audit?.after).toMatchObject({ slug: 'console-post', status: 'draft', body: { length: 27 } });
  });

  it('edits it into a new version kept in the revisions, and refuses a save over a newer one', async () => {
    const res = await call(t, 'PATCH', `${BASE}/${id}`, {
      jar: jars.admin,
      body: { body: '## Hello\n\nEdited.', expectedVersion: 1 },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().version).toBe(2);
    const before = await snapshot();
    const stale = await call(t, 'PATCH', `${BASE}/${id}`, {
      jar: jars.admin,
      body: { title: 'Stale', expectedVersion: 1 },
    });
    expect([stale.statusCode, stale.json().error.code]).toEqual([409, 'CONTENT_EDIT_CONFLICT']);
    expect(await snapshot()).toBe(before);
    const revisions = (await call(t, 'GET', `${BASE}/${id}/revisions`, { jar: jars.support })).json()
      .revisions;
    expect(revisions.map((r: { version: number; action: string }) => [r.version, r.action])).toEqual([
      [2, 'update'],
      [1, 'create'],
    ]);
    const update = (await audits(id)).find((a) => a.action === 'content.update');
    expect(update).toMatchObject({ action: 'content.update', before: { version: 1 }, after: { version: 2 } });
  });

  it.each([
    ['a taken slug', { slug: 'fhir-r4-basics' }, 409, 'CONTENT_SLUG_TAKEN'],
    ['a bad slug', { slug: 'Bad Slug' }, 400, 'VALIDATION_FAILED'],
    ['a long description', { description: 'x'.repeat(161) }, 400, 'VALIDATION_FAILED'],
    [
      'a front matter field of the wrong type',
      { frontMatter: { date: 'soon', author: 'ada', tags: [] } },
      422,
      'CONTENT_INVALID_FRONT_MATTER',
    ],
    [
      'an unknown front matter field',
      { frontMatter: { date: '2026-05-01', author: 'ada', tags: [], draft: true } },
      422,
      'CONTENT_INVALID_FRONT_MATTER',
    ],
    [
      'an unknown author',
      { frontMatter: { date: '2026-05-01', author: 'nobody', tags: [] } },
      422,
      'CONTENT_INVALID_FRONT_MATTER',
    ],
    [
      'a missing image',
      {
        frontMatter: {
          date: '2026-05-01',
          author: 'ada',
          tags: [],
          image: { src: 'images/none.png', alt: 'x' },
        },
      },
      422,
      'CONTENT_INVALID_FRONT_MATTER',
    ],
    ['a missing image in the body', { body: '![x](images/none.png)' }, 422, 'CONTENT_INVALID_FRONT_MATTER'],
    ['an unknown field', { status: 'published' }, 400, 'VALIDATION_FAILED'],
  ])('refuses %s with a stable code and writes nothing', async (_name, patch, status, code) => {
    const before = await snapshot();
    const res = await call(t, 'PATCH', `${BASE}/${id}`, { jar: jars.admin, body: patch });
    expect([res.statusCode, res.json().error.code], res.body).toEqual([status, code]);
    expect(await snapshot()).toBe(before);
  });

  it('refuses a site page at an address the site already uses', async () => {
    for (const slug of ['pricing', 'admin', 'blog']) {
      const res = await call(t, 'POST', BASE, {
        jar: jars.admin,
        body: { kind: 'page', slug, title: 'T', frontMatter: {} },
      });
      expect([res.statusCode, res.json().error.details[0].path], slug).toEqual([400, '/slug']);
    }
  });

  it('refuses a case study naming a product the catalog does not have', async () => {
    const res = await call(t, 'POST', BASE, {
      jar: jars.admin,
      body: {
        kind: 'case_study',
        slug: 'unknown-product',
        title: 'T',
        frontMatter: {
          date: '2026-05-01',
          client: 'c',
          industry: 'i',
          products: ['TL-NOPE'],
          results: [{ label: 'a', value: 'b' }],
        },
      },
    });
    expect([res.statusCode, res.json().error.details[0].path]).toEqual([422, '/frontMatter/products/0']);
  });

  it('previews the draft exactly as the public page, for staff only and never indexed', async () => {
    const url = `/admin/content/${id}/preview`;
    const preview = await get(t, url, { cookie: jars.support.header() });
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('<meta name="robots" content="noindex, nofollow"');
    expect(preview.headers['x-robots-tag']).toBe('noindex, nofollow');
    expect(preview.headers['cache-control']).toBe('no-store');
    expect(preview.body).toContain('<h1>Post console-post</h1>');
    expect(preview.body).toContain('<h2 id="hello">Hello</h2>');
    expect(preview.body).toContain('This is how the page will look');
    expect((await get(t, url)).headers.location).toMatch(/^\/sign-in/);
    expect((await get(t, url, { cookie: jars.customer.header() })).statusCode).toBe(403);
  });

  it('publishes, schedules, unpublishes and archives, each audited, refusing moves that make no sense', async () => {
    const move = (m: string, body: unknown = {}) =>
      call(t, 'POST', `${BASE}/${id}/${m}`, { jar: jars.admin, body });
    expect((await move('publish')).json().status).toBe('published');
    expect((await get(t, '/blog/console-post')).statusCode).toBe(200);
    const again = await move('publish');
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'CONTENT_STATUS_CONFLICT']);
    expect((await move('unpublish')).json().status).toBe('draft');
    expect((await get(t, '/blog/console-post')).statusCode).toBe(404);
    const past = await move('schedule', { publishAt: '2026-01-01T00:00:00Z' });
    expect([past.statusCode, past.json().error.details[0].path]).toEqual([400, '/publishAt']);
    const scheduled = await move('schedule', { publishAt: '2026-06-01T10:00:00Z' });
    expect(scheduled.json()).toMatchObject({ status: 'scheduled', publishAt: '2026-06-01T10:00:00.000Z' });
    expect((await get(t, '/blog/console-post')).statusCode).toBe(404);
    t.clock!.set('2026-06-01T10:00:00Z');
    try {
      expect((await get(t, '/blog/console-post')).statusCode).toBe(200);
      // Once its time has come it is published, as far as anyone can tell.
      expect((await call(t, 'GET', `${BASE}/${id}`, { jar: jars.admin })).json().status).toBe('published');
    } finally {
      t.clock!.set('2026-06-01T09:00:00Z');
    }
    expect((await move('archive')).json().status).toBe('archived');
    // Several entries share the test clock's instant: compare them as a set.
    expect((await audits(id)).map((a) => a.action).sort()).toEqual([
      'content.archive',
      'content.create',
      'content.publish',
      'content.schedule',
      'content.unpublish',
      'content.update',
    ]);
  });

  it('restores an earlier revision as the newest version', async () => {
    const res = await call(t, 'POST', `${BASE}/${id}/revisions/1/restore`, { jar: jars.admin });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ version: 3, body: '## Hello\n\nWritten by staff.' });
    const restore = (await audits(id)).find((a) => a.action === 'content.restore');
    expect(restore).toMatchObject({ before: { version: 2 }, after: { version: 3, restoredFrom: 1 } });
    expect(
      (await call(t, 'POST', `${BASE}/${id}/revisions/99/restore`, { jar: jars.admin })).statusCode,
    ).toBe(404);
  });

  it('lets support read but not write, and customers neither', async () => {
    expect(
      (await call(t, 'GET', `${BASE}?kind=post&status=published`, { jar: jars.support })).statusCode,
    ).toBe(200);
    expect(
      (await call(t, 'PATCH', `${BASE}/${id}`, { jar: jars.support, body: { title: 'x' } })).statusCode,
    ).toBe(403);
    expect((await call(t, 'GET', BASE, { jar: jars.customer })).statusCode).toBe(403);
    expect((await call(t, 'GET', BASE)).statusCode).toBe(401);
    const list = (await call(t, 'GET', `${BASE}?kind=doc`, { jar: jars.admin })).json();
    expect(list.items.every((i: { kind: string }) => i.kind === 'doc')).toBe(true);
    expect(list.total).toBe(3);
  });
});

describe('images staff upload', () => {
  const upload = async (file: { name: string; bytes: Buffer; type?: string }, jar = jars.admin) => {
    const { token } = await csrfFrom(t, jar, '/admin/content/media');
    const body = multipart([], file);
    return t.http.inject({
      method: 'POST',
      url: `${BASE}/media`,
      headers: { cookie: jar.header(), 'content-type': body.contentType, 'x-csrf-token': token },
      payload: body.payload,
      remoteAddress: nextIp(),
    });
  };

  it('stores an image recognised by its bytes, and the same bytes once', async () => {
    const png = await sharp({ create: { width: 640, height: 360, channels: 3, background: '#1e40af' } })
      .png()
      .toBuffer();
    const res = await upload({ name: 'diagram.png', bytes: png, type: 'application/octet-stream' });
    expect(res.statusCode, res.body).toBe(201);
    const media = res.json();
    expect(media).toMatchObject({ contentType: 'image/png', width: 640, height: 360, sizeBytes: png.length });
    expect(media.src).toMatch(/^uploads\/med_[0-9a-z]{26}\.png$/);
    expect((await upload({ name: 'again.png', bytes: png })).json().id).toBe(media.id);
    expect((await audits(media.id)).map((a) => a.action)).toEqual(['content.media.upload']);
    // It can be used at once, and its variants are made from the database copy.
    const post = await call(t, 'POST', BASE, {
      jar: jars.admin,
      body: newPost('with-upload', {
        frontMatter: {
          date: '2026-05-30',
          author: 'ada',
          tags: [],
          image: { src: media.src, alt: 'A diagram' },
        },
      }),
    });
    expect(post.statusCode, post.body).toBe(201);
    await call(t, 'POST', `${BASE}/${post.json().id}/publish`, { jar: jars.admin });
    const page = (await get(t, '/blog/with-upload')).body;
    const variant = /srcset="(\/media\/uploads\/[^ ]+-480\.webp) /.exec(page)![1]!;
    const img = await get(t, variant);
    expect([img.statusCode, img.headers['content-type']]).toEqual([200, 'image/webp']);
  });

  it.each([
    [
      'an SVG',
      { name: 'x.png', bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>') },
      415,
      'CONTENT_MEDIA_INVALID',
    ],
    [
      'a truncated PNG',
      { name: 'x.png', bytes: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]) },
      415,
      'CONTENT_MEDIA_INVALID',
    ],
    [
      'more than 10 MB',
      { name: 'big.png', bytes: Buffer.alloc(10 * 1024 * 1024 + 1, 1) },
      413,
      'CONTENT_MEDIA_TOO_LARGE',
    ],
  ])('refuses %s and keeps nothing', async (_name, file, status, code) => {
    const before = await snapshot();
    const res = await upload(file);
    expect([res.statusCode, res.json().error.code]).toEqual([status, code]);
    expect(await snapshot()).toBe(before);
  });

  it('refuses an upload without the form token, or from support', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const body = multipart([], { name: 'x.png', bytes: png });
    const res = await t.http.inject({
      method: 'POST',
      url: `${BASE}/media`,
      headers: { cookie: jars.admin.header(), 'content-type': body.contentType },
      payload: body.payload,
      remoteAddress: nextIp(),
    });
    expect([res.statusCode, res.json().error.code]).toEqual([403, 'CSRF_INVALID']);
    expect((await upload({ name: 'x.png', bytes: png }, jars.support)).statusCode).toBe(403);
  });

  it('uploads through the console’s form', async () => {
    const { token } = await csrfFrom(t, jars.admin, '/admin/content/media');
    const jpeg = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#c2410c' } })
      .jpeg()
      .toBuffer();
    const body = multipart([['_csrf', token]], { name: 'photo.jpg', bytes: jpeg, type: 'image/jpeg' });
    const res = await t.http.inject({
      method: 'POST',
      url: '/admin/content/media',
      headers: { cookie: jars.admin.header(), 'content-type': body.contentType, accept: 'text/html' },
      payload: body.payload,
      remoteAddress: nextIp(),
    });
    expect([res.statusCode, res.headers.location]).toEqual([303, '/admin/content/media?done=uploaded']);
    expect((await get(t, '/admin/content/media', { cookie: jars.admin.header() })).body).toMatch(
      /uploads\/med_[0-9a-z]{26}\.jpg/,
    );
  });
});

describe('the console’s editor', () => {
  it('creates, re-shows a refused form with its errors, saves and publishes through forms', async () => {
    const { token, html } = await csrfFrom(t, jars.admin, '/admin/content/new?kind=case_study');
    expect(html).toContain('name="fm.results"');
    const fields = {
      _csrf: token,
      kind: 'case_study',
      slug: 'form-case',
      title: 'A case study from the form',
      description: 'Typed into the console.',
      'fm.date': '2026-05-20',
      'fm.client': 'A children’s hospital',
      'fm.industry': 'Hospitals',
      'fm.products': 'TL-QUALITY',
      'fm.results': 'Fewer rejected claims: 40 %',
      body: '## Challenge\n\nClaims bounced.',
    };
    const refused = await postForm(t, jars.admin, '/admin/content', { ...fields, 'fm.date': 'May' });
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toContain('The front matter is not valid');
    expect(refused.body).toMatch(/id="field-fm\.date-error"/);
    expect(refused.body).toContain('value="A case study from the form"');
    const created = await postForm(t, jars.admin, '/admin/content', fields);
    expect(created.statusCode, created.body.slice(0, 500)).toBe(303);
    const editorUrl = String(created.headers.location).replace(/\?.*/, '');
    const editor = await csrfFrom(t, jars.admin, editorUrl);
    expect(editor.html).toContain('>Fewer rejected claims: 40 %</textarea>');
    expect(editor.html).toContain('Version 1');
    const saved = await postForm(t, jars.admin, editorUrl, {
      ...fields,
      _csrf: editor.token,
      expectedVersion: '1',
      title: 'A case study, saved twice',
    });
    expect([saved.statusCode, saved.headers.location]).toEqual([303, `${editorUrl}?done=saved`]);
    const published = await postForm(t, jars.admin, `${editorUrl}/publish`, { _csrf: editor.token });
    expect(published.statusCode).toBe(303);
    const page = await get(t, '/case-studies/form-case');
    expect(page.body).toContain('A case study, saved twice');
    expect(page.body).toContain('<dd>40 %</dd>');
    const list = await get(t, '/admin/content?kind=case_study', { cookie: jars.support.header() });
    expect(list.body).toContain('A case study, saved twice');
    expect(list.body).not.toContain('New blog post');
  });

  it('schedules from the form, reading the time as UTC', async () => {
    const { items } = await t.app.modules.content.admin.list({ kind: 'page' });
    const privacy = items.find((i) => i.slug === 'privacy')!;
    const { token } = await csrfFrom(t, jars.admin, `/admin/content/${privacy.id}`);
    await postForm(t, jars.admin, `/admin/content/${privacy.id}/unpublish`, { _csrf: token });
    const res = await postForm(t, jars.admin, `/admin/content/${privacy.id}/schedule`, {
      _csrf: token,
      publishAt: '2026-06-02T08:30',
    });
    expect(res.statusCode).toBe(303);
    const item = await api(t, 'GET', `${BASE}/${privacy.id}`, { jar: jars.admin });
    expect(item.json()).toMatchObject({ status: 'scheduled', publishAt: '2026-06-02T08:30:00.000Z' });
  });
});
