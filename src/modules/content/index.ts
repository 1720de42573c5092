import path from 'node:path';
import type { AppModule, PlatformContext } from '../../platform/context.ts';
import { type HttpServer, registeredRoutes } from '../../platform/http/server.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { AuditModule } from '../audit/index.ts';
import type { CatalogModule } from '../catalog/index.ts';
import { registerContentPages } from './content.pages.tsx';
import * as repo from './content.repository.ts';
import { contentSeeder } from './content.seeder.ts';
import { ContentService } from './content.service.ts';
import type { ContentTables } from './content.tables.ts';
import { registerContentAdminPages } from './content-admin.pages.tsx';
import { registerContentAdminRoutes } from './content-admin.routes.ts';
import { ContentAdminService } from './content-admin.service.ts';
import { registerContentFeeds } from './content-feeds.routes.ts';
import { registerContentUploadPage } from './content-media.pages.tsx';
import { ContentPageBuilder } from './content-page-builder.tsx';
import { ContentViewModels, type ProductDirectory } from './content-view-models.ts';
import { ImageLibrary } from './media/images.ts';

/**
 * Content: blog posts, case studies, podcast episodes and the show, docs per tool, site pages
 * (about, privacy, terms) and authors. Markdown files under content/ seed the database; from
 * then on the database is the truth and staff edit in the console (drafts, scheduling,
 * previews, revisions, 301s for changed slugs). Public pages, feeds, audio and responsive images
 * are served from here; `sitemapEntries` lists every public content URL.
 *
 * For other modules' pages: `images.image(src, alt)` resolves a picture under content/images/
 * (or an upload) and `Picture` renders it with AVIF/WebP sources, `srcset`, `sizes` and its size.
 */

export type { ContentItem } from './content.repository.ts';
export { ContentService } from './content.service.ts';
export type { ContentTables } from './content.tables.ts';
export { CONTENT_PERMISSIONS } from './content-admin.routes.ts';
export { ContentAdminService } from './content-admin.service.ts';
export { type ImageInfo, ImageLibrary, type ResponsiveImage } from './media/images.ts';
export { Picture, type PictureProps, pictureHtml } from './media/picture.tsx';

/** The content/ folder at the root of the installation. */
export const DEFAULT_CONTENT_DIR = path.resolve(import.meta.dirname, '../../../content');

export interface ContentModule extends AppModule {
  name: 'content';
  service: ContentService;
  admin: ContentAdminService;
  images: ImageLibrary;
}

export function createContentModule(
  ctx: PlatformContext,
  deps: { accounts: AccountsModule; audit: AuditModule; catalog: CatalogModule },
): ContentModule {
  const db = ctx.db.withTables<ContentTables>();
  const contentDir = ctx.config.contentDir ?? DEFAULT_CONTENT_DIR;
  const images = new ImageLibrary({
    contentDir,
    cacheDir: path.join(ctx.config.dataDir, 'content-media'),
    upload: async (id) => {
      const media = await repo.findMedia(db, id);
      if (!media) return undefined;
      return {
        sha256: media.sha256,
        width: media.width,
        height: media.height,
        contentType: media.content_type,
        data: () => repo.mediaData(db, id),
      };
    },
  });
  const service = new ContentService(ctx, db, images, contentDir);
  const products = async (): Promise<ProductDirectory> => {
    const view = await deps.catalog.service.view();
    return {
      byKey: (key) => view.products.find((p) => p.key === key),
      bySlug: (slug) => view.productBySlug(slug),
    };
  };
  const models = new ContentViewModels(service, products);
  const pages = new ContentPageBuilder(service, models);
  const admin = new ContentAdminService(
    ctx,
    db,
    service,
    deps.audit,
    async () => new Set((await deps.catalog.service.view()).products.map((p) => p.key)),
  );
  return {
    name: 'content',
    seeders: [contentSeeder({ clock: ctx.clock, log: ctx.log, content: service })],
    service,
    admin,
    images,
    sitemapEntries: () => service.sitemapEntries(),
    async warm() {
      const { images: seen, variants } = await service.prepareImages();
      return `content images: ${variants} variants made for ${seen} images`;
    },
    async registerRoutes(app: HttpServer) {
      const pageDeps = { admin, content: service, pages, models, accounts: deps.accounts };
      await registerContentAdminRoutes(app, {
        admin,
        accounts: deps.accounts,
        now: () => ctx.clock.now(),
        publicUrl: ctx.config.publicUrl,
        registerUploadPage: (scope) => registerContentUploadPage(scope, pageDeps),
      });
      registerContentAdminPages(app, pageDeps);
      registerContentFeeds(app, { content: service, models });
      registerContentPages(app, { content: service, models, pages, accounts: deps.accounts });
      // A site page lives at /<slug>: it may not take the first segment of a route the site already has.
      app.addHook('onReady', async () => {
        admin.setSitePaths(
          registeredRoutes(app)
            .map((r) => r.url.split('/')[1] ?? '')
            .filter((segment) => segment && !segment.startsWith(':')),
        );
      });
    },
  };
}
