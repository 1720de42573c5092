import type { Kysely, Transaction } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { handle, inTransaction, view } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { AuditModule, StaffContext } from '../audit/index.ts';
import { bumpVersion, catalogVersion, loadCatalog, lockCatalog } from './catalog.repository.ts';
import type { CatalogDb } from './catalog.tables.ts';
import {
  type CourseModuleDef,
  type CourseSessionDef,
  type FaqDef,
  type FaqTopic,
  type InstructorDef,
  type MarketingData,
  type Problem,
  type ProductPageDef,
  sessionProblems,
} from './domain/marketing.ts';
import * as repo from './marketing.repository.ts';
import type { MarketingDb } from './marketing.tables.ts';

export type PageInput = Omit<ProductPageDef, 'productKey'>;
export type ModuleInput = Omit<CourseModuleDef, 'productKey' | 'position'>;
export type SessionInput = Omit<CourseSessionDef, 'id' | 'status'> & { status?: CourseSessionDef['status'] };
export type SessionPatch = Partial<Omit<CourseSessionDef, 'id' | 'sku'>>;
export type FaqInput = Pick<FaqDef, 'key' | 'question' | 'answer'>;

const invalid = (details: Problem[]) => new AppError('VALIDATION_FAILED', undefined, { details });

/**
 * The product pages' data: read through a snapshot kept per catalog version (a staff edit
 * anywhere in the catalog bumps it, so every process sees the edit at its next read), and
 * edited by staff one audited transaction at a time, under the catalog's lock.
 */
export class MarketingService {
  #snapshot: { version: number; data: MarketingData } | undefined;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<MarketingDb>,
    private readonly audit: AuditModule,
  ) {}

  async data(): Promise<MarketingData> {
    const version = await catalogVersion(view<CatalogDb>(handle(this.db)));
    if (this.#snapshot?.version === version) return this.#snapshot.data;
    const data = await repo.loadMarketing(this.db);
    this.#snapshot = { version, data };
    return data;
  }

  /** Replaces the page of a product (a missing page is created). */
  async setPage(staff: StaffContext, productKey: string, input: PageInput): Promise<ProductPageDef> {
    return this.#edit(staff, 'catalog.page.update', productKey, async (trx, before) => {
      const catalog = await loadCatalog(view<CatalogDb>(handle(trx)));
      if (!catalog.products.some((p) => p.key === productKey))
        throw new AppError('NOT_FOUND', 'No such product.');
      if (input.instructorKey !== null && !before.instructors.some((i) => i.key === input.instructorKey)) {
        throw invalid([{ path: '/instructorKey', message: `No instructor ${input.instructorKey}.` }]);
      }
      const page = { productKey, ...input };
      await repo.upsertPage(trx, page, this.ctx.clock.now());
      return {
        result: page,
        before: before.pages.find((p) => p.productKey === productKey) ?? null,
        after: page,
      };
    });
  }

  /** Replaces a course's outline; positions follow the order given. */
  async setOutline(
    staff: StaffContext,
    productKey: string,
    input: ModuleInput[],
  ): Promise<CourseModuleDef[]> {
    return this.#edit(staff, 'catalog.outline.update', productKey, async (trx, before) => {
      const catalog = await loadCatalog(view<CatalogDb>(handle(trx)));
      const product = catalog.products.find((p) => p.key === productKey);
      if (!product) throw new AppError('NOT_FOUND', 'No such product.');
      if (product.kind !== 'course') {
        throw invalid([{ path: '/modules', message: `${productKey} is not a course: it has no outline` }]);
      }
      const modules = input.map((m, i) => ({ productKey, position: i + 1, ...m }));
      await repo.replaceOutline(trx, productKey, modules);
      return {
        result: modules,
        before: before.modules.filter((m) => m.productKey === productKey),
        after: modules,
      };
    });
  }

  async putInstructor(
    staff: StaffContext,
    key: string,
    input: Omit<InstructorDef, 'key'>,
  ): Promise<InstructorDef> {
    return this.#edit(staff, 'catalog.instructor.update', key, async (trx, before) => {
      const instructor = { key, ...input };
      await repo.upsertInstructor(trx, instructor, this.ctx.clock.now());
      return {
        result: instructor,
        before: before.instructors.find((i) => i.key === key) ?? null,
        after: instructor,
      };
    });
  }

  async createSession(staff: StaffContext, input: SessionInput): Promise<CourseSessionDef> {
    const id = newId('ses', this.ctx.clock);
    return this.#edit(staff, 'catalog.session.create', id, async (trx, before) => {
      const session: CourseSessionDef = { id, ...input, status: input.status ?? 'scheduled' };
      await this.#check(trx, session, before);
      await repo.insertSession(trx, session, this.ctx.clock.now());
      return { result: session, before: null, after: session };
    });
  }

  /** Changes some fields of a session (seats taken, capacity, dates, cancellation…). */
  async updateSession(staff: StaffContext, id: string, patch: SessionPatch): Promise<CourseSessionDef> {
    return this.#edit(staff, 'catalog.session.update', id, async (trx, before) => {
      const current = await repo.findSession(trx, id);
      if (!current) throw new AppError('NOT_FOUND', 'No such session.');
      const session: CourseSessionDef = { ...current, ...patch };
      await this.#check(trx, session, before);
      await repo.updateSession(trx, session, this.ctx.clock.now());
      return { result: session, before: current, after: session };
    });
  }

  /** Replaces the questions of a topic; positions follow the order given. */
  async setFaq(staff: StaffContext, topic: FaqTopic, input: FaqInput[]): Promise<FaqDef[]> {
    return this.#edit(staff, 'catalog.faq.update', topic, async (trx, before) => {
      const keys = new Set<string>();
      const problems: Problem[] = [];
      input.forEach((q, i) => {
        if (keys.has(q.key))
          problems.push({ path: `/entries/${i}/key`, message: `${q.key} is listed twice` });
        keys.add(q.key);
        const other = before.faq.find((f) => f.key === q.key && f.topic !== topic);
        if (other)
          problems.push({ path: `/entries/${i}/key`, message: `${q.key} is a ${other.topic} question` });
      });
      if (problems.length > 0) throw invalid(problems);
      const entries = input.map((q, i) => ({ ...q, topic, position: i + 1 }));
      await repo.replaceFaq(trx, topic, entries, this.ctx.clock.now());
      return { result: entries, before: before.faq.filter((f) => f.topic === topic), after: entries };
    });
  }

  async #check(trx: Transaction<MarketingDb>, s: CourseSessionDef, data: MarketingData): Promise<void> {
    const catalog = await loadCatalog(view<CatalogDb>(handle(trx)));
    const live = new Set(
      catalog.skus
        .filter((k) => k.fulfillment.kind === 'training' && k.fulfillment.format === 'live' && k.perSeat)
        .map((k) => k.code),
    );
    const problems = sessionProblems(s, live, new Set(data.instructors.map((i) => i.key)));
    if (problems.length > 0) throw invalid(problems);
  }

  /** One staff edit: lock the catalog, apply, audit with before and after, bump the version. */
  async #edit<R>(
    staff: StaffContext,
    action: string,
    target: string,
    apply: (
      trx: Transaction<MarketingDb>,
      before: MarketingData,
    ) => Promise<{ result: R; before: unknown; after: unknown }>,
  ): Promise<R> {
    const result = await inTransaction(this.db, async (trx) => {
      const catalogDb = view<CatalogDb>(handle(trx));
      await lockCatalog(catalogDb);
      const change = await apply(trx, await repo.loadMarketing(trx));
      await this.audit.log.record(
        {
          actor: staff.actor,
          action,
          target: { type: action.split('.')[1] ?? 'catalog', id: target },
          before: change.before,
          after: change.after,
          ip: staff.ip,
          requestId: staff.requestId,
        },
        handle(trx),
      );
      await bumpVersion(catalogDb, this.ctx.clock.now());
      return change.result;
    });
    this.#snapshot = undefined;
    return result;
  }
}
