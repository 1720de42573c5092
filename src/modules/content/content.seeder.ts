import type { Clock } from '../../platform/clock.ts';
import type { Seeder } from '../../platform/db/seed.ts';
import { handle, view } from '../../platform/db/transaction.ts';
import { newId } from '../../platform/ids.ts';
import type { Logger } from '../../platform/log.ts';
import * as repo from './content.repository.ts';
import type { ContentService } from './content.service.ts';
import type { ContentDb } from './content.tables.ts';
import { type FileItem, readContentFiles } from './content-files.ts';
import { dateOf } from './domain/front-matter.ts';
import { fileStatus } from './domain/rules.ts';
import { plainText } from './markdown/render.ts';

/**
 * Files are the seed, the database is the truth: on every start (and `fhiriq seed`) each file
 * under content/ that is an item adds the item when no item came from that file yet, and updates
 * it when the file changed and staff never touched the item (`staff_edited_at` is null). An item
 * staff edited keeps their edits whatever the file says; a file removed from the repository
 * leaves its item as it is. Items are found by the file they came from, not by slug, so a slug
 * staff changed does not bring the old one back. A file that fails its checks (front matter,
 * an unknown author, a missing image or audio file) is logged and skipped.
 */
export function contentSeeder(deps: { clock: Clock; log: Logger; content: ContentService }): Seeder {
  return {
    name: 'content.files',
    version: 1,
    run: async (trx) => {
      const db = view<ContentDb>(handle(trx));
      const now = deps.clock.now();
      const { items, problems } = readContentFiles(deps.content.contentDir);
      const authors = new Set(items.filter((f) => f.item.kind === 'author').map((f) => f.item.slug));
      const known = await repo.fileItems(db);
      let changed = 0;
      const skip = (file: string, details: { path?: string; message: string }[]) =>
        deps.log.error({ file, problems: details }, 'content file skipped');
      for (const p of problems) skip(p.sourcePath, p.problems);
      // Authors first: posts are checked against them.
      const ordered = [...items].sort(
        (a, b) => Number(b.item.kind === 'author') - Number(a.item.kind === 'author'),
      );
      for (const file of ordered) {
        const existing = known.get(file.sourcePath);
        // Unchanged since it was applied, or staff took it over: nothing to do.
        if (existing && (existing.staffEditedAt || existing.sourceHash === file.sourceHash)) continue;
        const refs = await deps.content.referenceProblems(file.item, db, { authors });
        if (refs.length) {
          skip(file.sourcePath, refs);
          continue;
        }
        if (await apply(db, file, existing, now)) changed++;
      }
      if (changed > 0) {
        await repo.bumpVersion(db, now);
        deps.log.info({ changed }, 'content seeded from files');
      }
    },
  };

  async function apply(
    db: ReturnType<typeof view<ContentDb>>,
    file: FileItem,
    existing:
      | { id: string; sourceHash: string | null; staffEditedAt: Date | null; publishAt: Date | null }
      | undefined,
    now: Date,
  ): Promise<boolean> {
    const { item } = file;
    const date = dateOf(item.kind, item.frontMatter);
    const write = {
      slug: item.slug,
      title: item.title,
      description: item.description,
      frontMatter: item.frontMatter,
      body: item.body,
      plainText: plainText(item.body),
      date,
    };
    if (existing) {
      const { status, publishAt } = fileStatus(date, now, existing.publishAt);
      const version = await repo.updateContent(db, existing.id, {
        ...write,
        now,
        staff: false,
        sourceHash: file.sourceHash,
        status,
        publishAt,
      });
      await revision(db, existing.id, version, write, 'file', now);
      return true;
    }
    const taken = await repo.findBySlug(db, item.kind, item.slug);
    if (taken) {
      deps.log.warn(
        { file: file.sourcePath, itemId: taken.id },
        'content file skipped: staff already use its slug for another item',
      );
      return false;
    }
    const id = newId('cnt', deps.clock);
    const { status, publishAt } = fileStatus(date, now, null);
    await repo.insertItem(db, {
      ...write,
      id,
      kind: item.kind,
      status,
      publishAt,
      sourcePath: file.sourcePath,
      sourceHash: file.sourceHash,
      now,
    });
    await revision(db, id, 1, write, 'seed', now);
    return true;
  }

  async function revision(
    db: ReturnType<typeof view<ContentDb>>,
    itemId: string,
    version: number,
    write: { slug: string; title: string; description: string; frontMatter: unknown; body: string },
    action: string,
    now: Date,
  ) {
    await repo.insertRevision(db, {
      item_id: itemId,
      version,
      slug: write.slug,
      title: write.title,
      description: write.description,
      front_matter: write.frontMatter,
      body: write.body,
      action,
      actor_user_id: null,
      actor_email: null,
      created_at: now,
    });
  }
}
