import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../test/support/test-app.ts';
import { createLogger } from '../../platform/log.ts';
import type { StaffContext } from '../audit/index.ts';
import { contentTestApp, FIXTURES, get } from './test-support.ts';

/**
 * Files are the seed, the database is the truth: the seeder adds what is new, applies a changed
 * file to an item staff never touched, keeps staff edits whatever the file says, and skips a file
 * that fails its checks without stopping the rest.
 */

let t: TestApp;
let dir: string;
const logs: { level: number; msg: string; file?: string }[] = [];
const staff: StaffContext = {
  actor: { userId: 'usr_editor', email: 'editor@fhiriq.example' },
  ip: '127.0.0.1',
  requestId: 'seed-test',
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fhiriq-content-'));
  fs.cpSync(FIXTURES, dir, { recursive: true });
  const log = createLogger('info', {
    write: (line: string) => {
      logs.push(JSON.parse(line));
    },
  });
  t = await contentTestApp({ contentDir: dir, log });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const db = () => t.app.ctx.db;
async function item(kind: string, slug: string) {
  const r = await sql<{
    id: string;
    title: string;
    body: string;
    version: number;
    status: string;
    staff_edited_at: Date | null;
  }>`SELECT id, title, body, version, status, staff_edited_at FROM content_item WHERE kind = ${kind} AND slug = ${slug}`.execute(
    db(),
  );
  return r.rows[0];
}
const contentVersion = async () =>
  Number((await sql<{ v: number }>`SELECT version AS v FROM content_state`.execute(db())).rows[0]!.v);
const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(dir, rel), text);
};
const edit = (rel: string, from: string, to: string) =>
  write(rel, fs.readFileSync(path.join(dir, rel), 'utf8').replace(from, to));

describe('seeding content from files', () => {
  it('loads every file that is an item, with a first revision, published from its date', async () => {
    const counts = await sql<{
      kind: string;
      n: number;
    }>`SELECT kind, count(*)::int AS n FROM content_item GROUP BY kind ORDER BY kind`.execute(db());
    expect(Object.fromEntries(counts.rows.map((r) => [r.kind, r.n]))).toEqual({
      author: 1,
      case_study: 1,
      doc: 3,
      episode: 1,
      page: 3,
      post: 4,
      show: 1,
    });
    const revisions = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM content_revision WHERE action = 'seed' AND version = 1`.execute(db());
    expect(revisions.rows[0]!.n).toBe(14);
    expect((await item('post', 'fhir-r4-basics'))?.status).toBe('published');
    // A date still ahead is a scheduled item.
    expect((await item('post', 'bulk-data-export'))?.status).toBe('scheduled');
  });

  it('changes nothing when run again on the same files', async () => {
    const before = await contentVersion();
    const started = process.cpuUsage();
    await t.app.seed();
    const cpu = process.cpuUsage(started);
    expect(await contentVersion()).toBe(before);
    // All seeders together; the content seeder reads and hashes 14 files (recorded for the README).
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(5000);
  });

  it('adds an item for a new file', async () => {
    write(
      'blog/sql-on-fhir.md',
      '---\ntitle: SQL on FHIR\ndescription: Views over FHIR resources.\ndate: 2026-05-25\nauthor: ada\ntags: [sql-on-fhir]\n---\nViews flatten resources.\n',
    );
    await t.app.seed();
    expect((await item('post', 'sql-on-fhir'))?.title).toBe('SQL on FHIR');
    expect((await get(t, '/blog/sql-on-fhir')).statusCode).toBe(200);
  });

  it('applies a changed file to an item staff never edited, as a new version', async () => {
    edit('blog/smart-launch.md', 'An app asks for scopes', 'A SMART app asks for scopes');
    await t.app.seed();
    const smart = (await item('post', 'smart-launch'))!;
    expect(smart.version).toBe(2);
    expect(smart.body).toContain('A SMART app asks');
    expect((await get(t, '/blog/smart-launch')).body).toContain('A SMART app asks');
    const rev = await sql<{
      action: string;
    }>`SELECT action FROM content_revision WHERE item_id = ${smart.id} AND version = 2`.execute(db());
    expect(rev.rows[0]?.action).toBe('file');
  });

  it('keeps staff edits whatever the file says later', async () => {
    const us = (await item('post', 'us-core-profiles'))!;
    await t.app.modules.content.admin.update(staff, us.id, { title: 'US Core, edited by staff' });
    edit('blog/us-core-profiles.md', 'title: US Core profiles in practice', 'title: US Core from the file');
    edit('blog/us-core-profiles.md', 'US Core constrains', 'The file says US Core constrains');
    await t.app.seed();
    const after = (await item('post', 'us-core-profiles'))!;
    expect(after.title).toBe('US Core, edited by staff');
    expect(after.body).not.toContain('The file says');
    expect(after.staff_edited_at).not.toBeNull();
  });

  it('keeps an item whose slug staff changed under its new slug, and whose file was removed', async () => {
    const terms = (await item('page', 'terms'))!;
    await t.app.modules.content.admin.update(staff, terms.id, { slug: 'terms-of-service' });
    fs.rmSync(path.join(dir, 'pages/privacy.md'));
    await t.app.seed();
    expect(await item('page', 'terms')).toBeUndefined();
    expect((await item('page', 'terms-of-service'))?.id).toBe(terms.id);
    expect((await get(t, '/terms')).headers.location).toBe('/terms-of-service');
    expect(await item('page', 'privacy')).toBeDefined();
  });

  it('skips a file that fails its checks, reports it, and loads the others', async () => {
    write(
      'blog/bad-date.md',
      '---\ntitle: Bad\ndescription: d\ndate: someday\nauthor: ada\ntags: []\n---\nx\n',
    );
    write(
      'blog/ghost-author.md',
      '---\ntitle: Ghost\ndescription: d\ndate: 2026-05-01\nauthor: nobody\ntags: []\n---\nx\n',
    );
    write(
      'blog/no-image.md',
      '---\ntitle: No image\ndescription: d\ndate: 2026-05-01\nauthor: ada\ntags: []\nimage: {src: images/blog/missing.png, alt: Missing}\n---\nx\n',
    );
    write('blog/js-matter.md', '---js\n{ title: require("fs") }\n---\nx\n');
    write('docs/mapper-to-fhir/new-page.md', '---\ntitle: New page\ndescription: d\norder: 5\n---\nNew.\n');
    logs.length = 0;
    await t.app.seed();
    for (const slug of ['bad-date', 'ghost-author', 'no-image', 'js-matter'])
      expect(await item('post', slug), slug).toBeUndefined();
    expect(await item('doc', 'mapper-to-fhir/new-page')).toBeDefined();
    const skipped = logs.filter((l) => l.msg === 'content file skipped').map((l) => l.file);
    expect(skipped.sort()).toEqual([
      'blog/bad-date.md',
      'blog/ghost-author.md',
      'blog/js-matter.md',
      'blog/no-image.md',
    ]);
  });

  it('leaves a slug staff already use for another item alone', async () => {
    await t.app.modules.content.admin.create(staff, {
      kind: 'case_study',
      slug: 'taken-by-staff',
      title: 'Staff case study',
      description: 'Written in the console.',
      frontMatter: {
        date: '2026-05-01',
        client: 'A clinic',
        industry: 'Clinics',
        products: [],
        results: [{ label: 'a', value: 'b' }],
      },
      body: 'Staff body.',
    });
    write(
      'case-studies/taken-by-staff.md',
      '---\ntitle: File case study\ndescription: d\ndate: 2026-05-01\nclient: c\nindustry: i\nproducts: []\nresults: [{label: a, value: b}]\n---\nFile body.\n',
    );
    await t.app.seed();
    expect((await item('case_study', 'taken-by-staff'))?.title).toBe('Staff case study');
  });
});
