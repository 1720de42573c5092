import { sql } from 'kysely';
import type { Executor } from '../../platform/db/transaction.ts';
import type {
  CourseModuleDef,
  CourseSessionDef,
  FaqDef,
  FaqTopic,
  Highlight,
  InstructorDef,
  MarketingData,
  ProductPageDef,
  Screenshot,
  SessionStatus,
} from './domain/marketing.ts';
import type { MarketingDb, MarketingTables } from './marketing.tables.ts';

/** SQL for the product pages' tables (marketing.tables.ts). The service decides the transaction. */
type Db = Executor<MarketingDb>;

const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

const toPage = (r: MarketingTables['catalog_product_page']): ProductPageDef => ({
  productKey: r.product_key,
  tagline: r.tagline,
  overview: list<string>(r.overview),
  highlights: list<Highlight>(r.highlights),
  audience: r.audience,
  screenshots: list<Screenshot>(r.screenshots),
  docsPath: r.docs_path,
  instructorKey: r.instructor_key,
  prerequisites: r.prerequisites,
});

const pageRow = (p: ProductPageDef, now: Date): MarketingTables['catalog_product_page'] => ({
  product_key: p.productKey,
  tagline: p.tagline,
  overview: JSON.stringify(p.overview),
  highlights: JSON.stringify(p.highlights),
  audience: p.audience,
  screenshots: JSON.stringify(p.screenshots),
  docs_path: p.docsPath,
  instructor_key: p.instructorKey,
  prerequisites: p.prerequisites,
  updated_at: now,
});

const moduleRow = (m: CourseModuleDef): MarketingTables['catalog_course_module'] => ({
  product_key: m.productKey,
  position: m.position,
  title: m.title,
  hours: m.hours,
  summary: m.summary,
  topics: JSON.stringify(m.topics),
});

const sessionRow = (s: CourseSessionDef, now: Date): MarketingTables['catalog_course_session'] => ({
  id: s.id,
  sku: s.sku,
  starts_on: s.startsOn,
  ends_on: s.endsOn,
  daily_start: s.dailyStart,
  daily_end: s.dailyEnd,
  time_zone: s.timeZone,
  location: s.location,
  capacity: s.capacity,
  seats_taken: s.seatsTaken,
  instructor_key: s.instructorKey,
  status: s.status,
  created_at: now,
  updated_at: now,
});

async function sessions(db: Db, id?: string): Promise<CourseSessionDef[]> {
  let q = db
    .selectFrom('catalog_course_session')
    .select([
      'id',
      'sku',
      // As text: a `date` parsed into a JS Date would shift with the process's time zone.
      sql<string>`starts_on::text`.as('starts_on'),
      sql<string>`ends_on::text`.as('ends_on'),
      'daily_start',
      'daily_end',
      'time_zone',
      'location',
      'capacity',
      'seats_taken',
      'instructor_key',
      'status',
    ])
    .orderBy('starts_on')
    .orderBy('id');
  if (id !== undefined) q = q.where('id', '=', id);
  return (await q.execute()).map((r) => ({
    id: r.id,
    sku: r.sku,
    startsOn: r.starts_on,
    endsOn: r.ends_on,
    dailyStart: r.daily_start,
    dailyEnd: r.daily_end,
    timeZone: r.time_zone,
    location: r.location,
    capacity: r.capacity,
    seatsTaken: r.seats_taken,
    instructorKey: r.instructor_key,
    status: r.status as SessionStatus,
  }));
}

export async function loadMarketing(db: Db): Promise<MarketingData> {
  const [pages, modules, instructors, allSessions, faq] = await Promise.all([
    db.selectFrom('catalog_product_page').selectAll().orderBy('product_key').execute(),
    db.selectFrom('catalog_course_module').selectAll().orderBy('product_key').orderBy('position').execute(),
    db.selectFrom('catalog_instructor').selectAll().orderBy('key').execute(),
    sessions(db),
    db.selectFrom('catalog_faq').selectAll().orderBy('topic').orderBy('position').orderBy('key').execute(),
  ]);
  return {
    pages: pages.map(toPage),
    modules: modules.map((m) => ({
      productKey: m.product_key,
      position: m.position,
      title: m.title,
      hours: m.hours,
      summary: m.summary,
      topics: list<string>(m.topics),
    })),
    instructors: instructors.map((i) => ({ key: i.key, name: i.name, role: i.role, bio: i.bio })),
    sessions: allSessions,
    faq: faq.map((f) => ({
      key: f.key,
      topic: f.topic as FaqTopic,
      position: f.position,
      question: f.question,
      answer: f.answer,
    })),
  };
}

export async function findSession(db: Db, id: string): Promise<CourseSessionDef | undefined> {
  return (await sessions(db, id))[0];
}

// ---- seeding: insert what is missing, never overwrite --------------------------------------------------------

export async function insertMissingMarketing(db: Db, seed: MarketingData, now: Date): Promise<number> {
  let count = 0;
  const run = async (q: { execute(): Promise<unknown[]> }) => {
    count += (await q.execute()).length;
  };
  if (seed.instructors.length > 0) {
    await run(
      db
        .insertInto('catalog_instructor')
        .values(seed.instructors.map((i) => ({ ...i, updated_at: now })))
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('key'),
    );
  }
  // Only pages and outlines of products that exist here (staff may have removed one).
  const products = new Set(
    (await db.selectFrom('catalog_product').select('key').execute()).map((p) => p.key),
  );
  const pages = seed.pages.filter((p) => products.has(p.productKey));
  if (pages.length > 0) {
    await run(
      db
        .insertInto('catalog_product_page')
        .values(pages.map((p) => pageRow(p, now)))
        .onConflict((oc) => oc.column('product_key').doNothing())
        .returning('product_key'),
    );
  }
  // An outline is seeded whole, and only for a course that has none: staff may have rewritten it.
  const outlined = new Set(
    (await db.selectFrom('catalog_course_module').select('product_key').distinct().execute()).map(
      (m) => m.product_key,
    ),
  );
  const modules = seed.modules.filter((m) => products.has(m.productKey) && !outlined.has(m.productKey));
  if (modules.length > 0) {
    await run(db.insertInto('catalog_course_module').values(modules.map(moduleRow)).returning('product_key'));
  }
  const skus = new Set((await db.selectFrom('catalog_sku').select('code').execute()).map((s) => s.code));
  const sessionsToSeed = seed.sessions.filter((s) => skus.has(s.sku));
  if (sessionsToSeed.length > 0) {
    await run(
      db
        .insertInto('catalog_course_session')
        .values(sessionsToSeed.map((s) => sessionRow(s, now)))
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id'),
    );
  }
  if (seed.faq.length > 0) {
    await run(
      db
        .insertInto('catalog_faq')
        .values(seed.faq.map((f) => ({ ...f, updated_at: now })))
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('key'),
    );
  }
  return count;
}

// ---- staff edits ---------------------------------------------------------------------------------------------

export async function upsertPage(db: Db, page: ProductPageDef, now: Date): Promise<void> {
  const row = pageRow(page, now);
  const { product_key: _key, ...rest } = row;
  await db
    .insertInto('catalog_product_page')
    .values(row)
    .onConflict((oc) => oc.column('product_key').doUpdateSet(rest))
    .execute();
}

export async function replaceOutline(db: Db, productKey: string, modules: CourseModuleDef[]): Promise<void> {
  await db.deleteFrom('catalog_course_module').where('product_key', '=', productKey).execute();
  if (modules.length > 0)
    await db.insertInto('catalog_course_module').values(modules.map(moduleRow)).execute();
}

export async function upsertInstructor(db: Db, i: InstructorDef, now: Date): Promise<void> {
  await db
    .insertInto('catalog_instructor')
    .values({ ...i, updated_at: now })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({ name: i.name, role: i.role, bio: i.bio, updated_at: now }),
    )
    .execute();
}

export async function insertSession(db: Db, s: CourseSessionDef, now: Date): Promise<void> {
  await db.insertInto('catalog_course_session').values(sessionRow(s, now)).execute();
}

export async function updateSession(db: Db, s: CourseSessionDef, now: Date): Promise<void> {
  const { id, created_at: _created, ...rest } = sessionRow(s, now);
  await db.updateTable('catalog_course_session').set(rest).where('id', '=', id).execute();
}

export async function replaceFaq(db: Db, topic: FaqTopic, entries: FaqDef[], now: Date): Promise<void> {
  await db.deleteFrom('catalog_faq').where('topic', '=', topic).execute();
  if (entries.length > 0) {
    await db
      .insertInto('catalog_faq')
      .values(entries.map((f) => ({ ...f, updated_at: now })))
      .execute();
  }
}
