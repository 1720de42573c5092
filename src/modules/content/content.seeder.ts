import type { Clock } from '../../platform/clock.ts';
import type { Seeder } from '../../platform/db/seed.ts';
import { handle, view } from '../../platform/db/transaction.ts';
import { newId } from '../../platform/ids.ts';
import type { Logger } from '../../platform/log.ts';
import * as repo from './content.repository.ts';
import type { ContentService } from './content.service.ts';
import type { ContentDb, RevisionRow } from './content.tables.ts';
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
      const skip = (file: string, details: { path?: string; message: string }[]) =>
        deps.log.error({ file, problems: details }, 'content file skipped');
      for (const p of problems) skip(p.sourcePath, p.problems);
      const fresh: repo.NewItem[] = [];
      const revisions: RevisionRow[] = [];
      let taken: Set<string> | undefined;
      let updated = 0;
      for (const file of items) {
        const existing = known.get(file.sourcePath);
        // Unchanged since it was applied, or staff took it over: nothing to do.
        if (existing && (existing.staffEditedAt || existing.sourceHash === file.sourceHash)) continue;
        const refs = await deps.content.referenceProblems(file.item, db, { authors });
        if (refs.length) {
          skip(file.sourcePath, refs);
          continue;
        }
        const { item } = file;
        const date = dateOf(item.kind, item.frontMatter);
        const write = { ...item, plainText: plainText(item.body), date };
        if (existing) {
          const version = await repo.updateContent(db, existing.id, {
            ...write,
            ...fileStatus(date, now, existing.publishAt),
            now,
            staff: false,
            sourceHash: file.sourceHash,
          });
          revisions.push(revision(existing.id, version, item, 'file', now));
          updated++;
          continue;
        }
        taken ??= await repo.takenSlugs(db);
        if (taken.has(`${item.kind}/${item.slug}`)) {
          deps.log.warn(
            { file: file.sourcePath },
            'content file skipped: staff already use its slug for another item',
          );
          continue;
        }
        taken.add(`${item.kind}/${item.slug}`);
        const id = newId('cnt', deps.clock);
        fresh.push({
          ...write,
          ...fileStatus(date, now, null),
          id,
          sourcePath: file.sourcePath,
          sourceHash: file.sourceHash,
          now,
        });
        revisions.push(revision(id, 1, item, 'seed', now));
      }
      await repo.insertItems(db, fresh);
      await repo.insertRevisions(db, revisions);
      if (fresh.length + updated > 0) {
        await repo.bumpVersion(db, now);
        deps.log.info({ added: fresh.length, updated }, 'content seeded from files');
      }
    },
  };
}

function revision(
  itemId: string,
  version: number,
  item: FileItem['item'],
  action: 'seed' | 'file',
  now: Date,
): RevisionRow {
  return {
    item_id: itemId,
    version,
    slug: item.slug,
    title: item.title,
    description: item.description,
    front_matter: item.frontMatter,
    body: item.body,
    action,
    actor_user_id: null,
    actor_email: null,
    created_at: now,
  };
}
