import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { api, type CookieJar, csrfFrom, postForm } from '../accounts/test-support.ts';
import { call, staffJars, type Who } from './test-support.ts';

/** Staff moving quote requests through the pipeline: who may, legal moves only, notes, audit, nothing on error. */

let t: TestApp;
let jars: Record<Who, CookieJar>;
const ids: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ clockAt: '2026-06-01T08:00:00Z' });
  jars = await staffJars(t, 'pipeline');
  for (const name of ['Ada', 'Brook', 'Cory', 'Dale', 'Eli']) {
    const r = await api(t, 'POST', '/api/v1/quotes', {
      body: {
        sku: 'TL-MAPPER-EN',
        name,
        email: `${name.toLowerCase()}@hospital.example`,
        message: 'Please quote 40 seats.',
      },
    });
    expect(r.statusCode, r.body).toBe(202);
  }
  const rows = await sql<{ id: string }>`SELECT id FROM catalog_quote_request ORDER BY name`.execute(
    t.app.ctx.db,
  );
  ids.push(...rows.rows.map((r) => r.id));
}, 60_000);
afterAll(async () => t?.close());

const move = (id: string, body: unknown, jar = jars.admin) =>
  call(t, 'POST', `/api/v1/admin/quotes/${id}/status`, { jar, body });
const snapshot = async () => {
  const q = await sql`SELECT * FROM catalog_quote_request ORDER BY id`.execute(t.app.ctx.db);
  const a = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event`.execute(t.app.ctx.db);
  return JSON.stringify([q.rows, a.rows]);
};
const page = (jar: CookieJar, url = '/admin/quotes') =>
  t.http.inject({ method: 'GET', url, headers: { accept: 'text/html', cookie: jar.header() } });

describe('who may move quote requests', () => {
  it('admins only (support reads them but changes nothing)', async () => {
    const before = await snapshot();
    const expected: Record<Exclude<Who, 'admin'>, number> = { anonymous: 401, customer: 403, support: 403 };
    for (const who of ['anonymous', 'customer', 'support'] as const) {
      expect((await move(ids[0]!, { status: 'contacted' }, jars[who])).statusCode, who).toBe(expected[who]);
    }
    expect(await snapshot()).toBe(before);
    // Support sees the list without the forms; admins get a form per open request.
    const support = await page(jars.support);
    expect(support.statusCode).toBe(200);
    expect(support.body).not.toContain('/status"');
    const admin = await page(jars.admin);
    expect(admin.body).toContain(`action="/admin/quotes/${ids[0]}/status"`);
    expect(admin.body).toContain(
      `<label for="status-${ids[0]}">Move to<span class="visually-hidden"> for the request from Ada</span>`,
    );
  });
});

describe('moving through the pipeline', () => {
  it('new → contacted → won, with notes, each move audited', async () => {
    const contacted = await move(ids[0]!, { status: 'contacted', note: '  Called Ada, demo on Friday.  ' });
    expect(contacted.statusCode, contacted.body).toBe(200);
    expect(contacted.json()).toMatchObject({
      id: ids[0],
      status: 'contacted',
      statusNote: 'Called Ada, demo on Friday.',
      statusChangedAt: '2026-06-01T08:00:00.000Z',
      statusChangedBy: 'pipeline-admin@example.com',
    });
    t.clock!.set('2026-06-01T09:30:00Z');
    const won = await move(ids[0]!, { status: 'won' });
    expect(won.json()).toMatchObject({
      status: 'won',
      statusNote: null,
      statusChangedAt: '2026-06-01T09:30:00.000Z',
    });
    const events = (
      await sql<{
        actor_email: string;
        target_type: string;
        target_id: string;
        before: unknown;
        after: unknown;
      }>`
        SELECT actor_email, target_type, target_id, before, after FROM audit_event
        WHERE action = 'catalog.quote.status' ORDER BY at, id`.execute(t.app.ctx.db)
    ).rows;
    expect(events).toEqual([
      {
        actor_email: 'pipeline-admin@example.com',
        target_type: 'quote_request',
        target_id: ids[0],
        before: { status: 'new', note: null },
        after: { status: 'contacted', note: 'Called Ada, demo on Friday.' },
      },
      {
        actor_email: 'pipeline-admin@example.com',
        target_type: 'quote_request',
        target_id: ids[0],
        before: { status: 'contacted', note: 'Called Ada, demo on Friday.' },
        after: { status: 'won', note: null },
      },
    ]);
    const list = (await call(t, 'GET', '/api/v1/admin/quotes', { jar: jars.support })).json().quotes;
    expect(list.find((q: { id: string }) => q.id === ids[0])).toMatchObject({ status: 'won' });
  });

  it('lets a new request be lost at once', async () => {
    expect((await move(ids[1]!, { status: 'lost', note: 'Spam.' })).json()).toMatchObject({ status: 'lost' });
  });

  it('lets exactly one of two simultaneous final moves through', async () => {
    // Both read "new"; the conditional update lets one win, the other is told it changed meanwhile.
    const [a, b] = await Promise.all([move(ids[2]!, { status: 'won' }), move(ids[2]!, { status: 'lost' })]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
  });
});

describe('illegal moves and bad input: a stable code, nothing written', () => {
  const cases: [string, () => string, unknown, number, string][] = [
    ['leaving a final status', () => ids[0]!, { status: 'lost' }, 409, 'QUOTE_STATUS_CONFLICT'],
    ['going back', () => ids[0]!, { status: 'contacted' }, 409, 'QUOTE_STATUS_CONFLICT'],
    ['back to new', () => ids[3]!, { status: 'new' }, 409, 'QUOTE_STATUS_CONFLICT'],
    ['an unknown status', () => ids[3]!, { status: 'closed' }, 400, 'VALIDATION_FAILED'],
    ['no status', () => ids[3]!, { note: 'x' }, 400, 'VALIDATION_FAILED'],
    [
      'a note too long',
      () => ids[3]!,
      { status: 'contacted', note: 'x'.repeat(2001) },
      400,
      'VALIDATION_FAILED',
    ],
    ['an unknown field', () => ids[3]!, { status: 'contacted', by: 'someone' }, 400, 'VALIDATION_FAILED'],
    ['an unknown request', () => 'quo_00000000000000000000000000', { status: 'contacted' }, 404, 'NOT_FOUND'],
    ['a malformed id', () => 'nope', { status: 'contacted' }, 400, 'VALIDATION_FAILED'],
  ];

  it.each(cases)('refuses %s', async (_name, id, body, status, code) => {
    const before = await snapshot();
    const res = await move(id(), body);
    expect(res.statusCode, res.body).toBe(status);
    expect(res.json().error.code).toBe(code);
    expect(await snapshot()).toBe(before);
  });

  it('says which moves are possible', async () => {
    const res = await move(ids[0]!, { status: 'lost' });
    expect(res.json().error.message).toBe('A won quote request cannot become lost: won is final.');
    const back = await move(ids[3]!, { status: 'new' });
    expect(back.json().error.message).toMatch(/\(it can become contacted or won or lost\)/);
  });
});

describe('the admin page form', () => {
  it('moves a request with its note (CSRF), then shows it', async () => {
    const jar = jars.admin;
    const { token, html } = await csrfFrom(t, jar, '/admin/quotes');
    expect(html).toContain(`id="note-${ids[3]}"`);
    const res = await postForm(t, jar, `/admin/quotes/${ids[3]}/status`, {
      _csrf: token,
      status: 'contacted',
      note: 'Left a voicemail <b>twice</b>.',
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
    expect(res.headers.location).toBe('/admin/quotes?done=status');
    const after = (await page(jar, '/admin/quotes?done=status')).body;
    expect(after).toContain('The quote request is updated.');
    expect(after).toContain('by pipeline-admin@example.com: Left a voicemail &lt;b>twice&lt;/b>.');
    // Its form now offers only the moves left.
    const row = after.slice(after.indexOf(`id="quote-${ids[3]}"`));
    expect(row.slice(0, row.indexOf('</tr>'))).toMatch(
      /<option value="won">Won<\/option><option value="lost">Lost<\/option><\/select>/,
    );
  });

  it('explains an illegal move on the page (409), changing nothing', async () => {
    const jar = jars.admin;
    const before = await snapshot();
    const { token } = await csrfFrom(t, jar, '/admin/quotes');
    const res = await postForm(t, jar, `/admin/quotes/${ids[1]}/status`, { _csrf: token, status: 'won' });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('role="alert"');
    expect(res.body).toContain('A lost quote request cannot become won: lost is final.');
    expect(await snapshot()).toBe(before);
  });

  it('refuses a form without its CSRF token', async () => {
    const before = await snapshot();
    const res = await postForm(t, jars.admin, `/admin/quotes/${ids[4]}/status`, { status: 'contacted' });
    expect(res.statusCode).toBe(403);
    expect(await snapshot()).toBe(before);
  });
});
