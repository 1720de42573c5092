import Type from 'typebox';
import type { AccountsModule } from '../accounts/index.ts';
import type { ContentService } from './content.service.ts';
import type { ContentAdminService } from './content-admin.service.ts';
import type { ContentPageBuilder } from './content-page-builder.tsx';
import type { ContentViewModels } from './content-view-models.ts';

/** What the console's content pages share: their dependencies, notices and the refusals a form explains. */

export interface ContentAdminPageDeps {
  admin: ContentAdminService;
  content: ContentService;
  pages: ContentPageBuilder;
  models: ContentViewModels;
  accounts: AccountsModule;
}

export const hidden = { hide: true } as const;
export const field = (max: number) => Type.Optional(Type.String({ maxLength: max }));

export const NOTICES: Record<string, string> = {
  created: 'The draft is saved.',
  saved: 'Saved.',
  publish: 'Published: it is public now.',
  schedule: 'Scheduled.',
  unpublish: 'Unpublished: it is a draft again, invisible to the public.',
  archive: 'Archived: it is invisible to the public.',
  restore: 'The revision is restored as the newest version.',
  uploaded: 'The image is uploaded: use its source below in front matter or Markdown.',
};

/** Refusals the editor explains beside its fields; anything else is an error page. */
export const FORM_REFUSALS = new Set([
  'VALIDATION_FAILED',
  'CONTENT_SLUG_TAKEN',
  'CONTENT_INVALID_FRONT_MATTER',
  'CONTENT_EDIT_CONFLICT',
  'CONTENT_STATUS_CONFLICT',
  'CONTENT_MEDIA_INVALID',
  'CONTENT_MEDIA_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
]);
