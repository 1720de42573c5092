import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { sendPublicPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';
import type { ContentService } from './content.service.ts';
import type { ContentPageBuilder } from './content-page-builder.tsx';
import type { ContentViewModels } from './content-view-models.ts';
import type { Kind } from './domain/front-matter.ts';
import { paginate, pathOf } from './domain/rules.ts';
import { latest, modifiedAt } from './domain/snapshot.ts';
import { BlogListPage } from './views/blog-views.tsx';
import { CaseStudiesPage } from './views/case-study-views.tsx';
import { DocsIndexPage, DocsSearchPage } from './views/docs-views.tsx';
import { PodcastPage } from './views/podcast-views.tsx';

export interface ContentPageDeps {
  content: ContentService;
  models: ContentViewModels;
  pages: ContentPageBuilder;
  accounts: AccountsModule;
}

export const POSTS_PER_PAGE = 10;
const hidden = { hide: true } as const;
// Query strings may carry tracking parameters: unknown ones are ignored, not refused.
const anyQuery = Type.Object({}, { additionalProperties: true });
const slugParam = Type.String({ minLength: 1, maxLength: 100 });
const pageParam = Type.Integer({ minimum: 1, maximum: 10_000 });

/**
 * The public content pages: blog (list, tags, pages, posts), podcast, case studies, docs (with
 * search) and the site pages (`/about`, `/privacy`, `/terms`, `/<slug>`). Only what is visible
 * now is shown; an old slug answers 301 to the current URL; anything else is 404.
 *
 * Caching is the public site's (web/render.ts sendPublicPage): `no-cache`, so every use is
 * revalidated against an ETag of the body — a scheduled post changes the lists' bodies, hence
 * their tags, at its very instant, and a staff publication at the next request — plus the
 * content's Last-Modified (its latest change or publication) for If-Modified-Since.
 */
export function registerContentPages(app: HttpServer, deps: ContentPageDeps): void {
  const { content, models, pages, accounts } = deps;
  // No content page has a form that posts: an anonymous visitor gets no cookie, the same bytes as anyone.
  const chrome = (request: FastifyRequest, reply: FastifyReply) => accounts.publicPageChrome(request, reply);
  const send = (request: FastifyRequest, reply: FastifyReply, page: VNode, lastModified: Date | null) =>
    sendPublicPage(request, reply, page, { lastModified });
  const at = async () => ({ live: await content.live(), now: content.now() });

  /** An item's page, a 301 from a slug it had before, or 404. */
  async function itemPage(request: FastifyRequest, reply: FastifyReply, kind: Kind, slug: string) {
    const found = await content.resolve(kind, slug);
    if (found.kind === 'redirect')
      return reply.header('cache-control', 'public, max-age=300').redirect(found.location, 301);
    if (found.kind === 'missing') throw new AppError('NOT_FOUND');
    const page = await pages.page(found.item, chrome(request, reply));
    if (!page) throw new AppError('NOT_FOUND');
    return send(request, reply, page, modifiedAt(found.item));
  }

  async function blogList(request: FastifyRequest, reply: FastifyReply, page: number, tag: string | null) {
    const { live, now } = await at();
    const all = live.visible('post', now);
    const tags = [...new Set(all.flatMap((p) => p.frontMatter.tags))].sort();
    const posts = tag ? all.filter((p) => p.frontMatter.tags.includes(tag)) : all;
    const slice = paginate(posts, page, POSTS_PER_PAGE);
    if (!slice.exists || (tag && posts.length === 0)) throw new AppError('NOT_FOUND');
    const view = BlogListPage({
      ...chrome(request, reply),
      posts: await Promise.all(slice.items.map((p) => models.postCard(p))),
      page,
      pages: slice.pages,
      tag,
      tags,
    });
    return send(request, reply, view, latest(posts));
  }

  app.get('/blog', { schema: { ...hidden, querystring: anyQuery } }, (request, reply) =>
    blogList(request, reply, 1, null),
  );
  app.get(
    '/blog/page/:page',
    { schema: { ...hidden, params: Type.Object({ page: pageParam }), querystring: anyQuery } },
    (request, reply) => blogList(request, reply, request.params.page, null),
  );
  app.get(
    '/blog/tag/:tag',
    { schema: { ...hidden, params: Type.Object({ tag: slugParam }), querystring: anyQuery } },
    (request, reply) => blogList(request, reply, 1, request.params.tag),
  );
  app.get(
    '/blog/tag/:tag/page/:page',
    {
      schema: { ...hidden, params: Type.Object({ tag: slugParam, page: pageParam }), querystring: anyQuery },
    },
    (request, reply) => blogList(request, reply, request.params.page, request.params.tag),
  );
  app.get(
    '/blog/:slug',
    { schema: { ...hidden, params: Type.Object({ slug: slugParam }), querystring: anyQuery } },
    (request, reply) => itemPage(request, reply, 'post', request.params.slug),
  );

  app.get('/podcast', { schema: { ...hidden, querystring: anyQuery } }, async (request, reply) => {
    const { live, now } = await at();
    const episodes = live.visible('episode', now);
    const view = PodcastPage({
      ...chrome(request, reply),
      show: await models.show(live, now),
      episodes: episodes.map((e) => models.episodeCard(e)),
    });
    return send(request, reply, view, latest([...episodes, ...live.visible('show', now)]));
  });
  app.get(
    '/podcast/:slug',
    { schema: { ...hidden, params: Type.Object({ slug: slugParam }), querystring: anyQuery } },
    (request, reply) => itemPage(request, reply, 'episode', request.params.slug),
  );

  app.get('/case-studies', { schema: { ...hidden, querystring: anyQuery } }, async (request, reply) => {
    const { live, now } = await at();
    const studies = live.visible('case_study', now);
    const view = CaseStudiesPage({
      ...chrome(request, reply),
      studies: await Promise.all(studies.map((s) => models.caseStudyCard(s))),
    });
    return send(request, reply, view, latest(studies));
  });
  app.get(
    '/case-studies/:slug',
    { schema: { ...hidden, params: Type.Object({ slug: slugParam }), querystring: anyQuery } },
    (request, reply) => itemPage(request, reply, 'case_study', request.params.slug),
  );

  app.get('/docs', { schema: { ...hidden, querystring: anyQuery } }, async (request, reply) => {
    const { live, now } = await at();
    const view = DocsIndexPage({ ...chrome(request, reply), tools: await models.tools(live, now) });
    return send(request, reply, view, latest(live.visible('doc', now)));
  });
  app.get(
    '/docs/search',
    {
      schema: {
        ...hidden,
        querystring: Type.Object(
          { q: Type.Optional(Type.String({ maxLength: 200 })) },
          { additionalProperties: true },
        ),
      },
    },
    async (request, reply) => {
      const q = (request.query.q ?? '').trim();
      const { live, now } = await at();
      const tools = new Map((await models.tools(live, now)).map((t) => [t.tool, t.name]));
      const hits = await content.searchDocs(q);
      const view = DocsSearchPage({
        ...chrome(request, reply),
        q,
        results: hits.map(({ item, snippet }) => ({
          title: item.title,
          path: pathOf('doc', item.slug),
          tool: tools.get(item.slug.split('/')[0]!) ?? '',
          snippet,
        })),
      });
      return send(request, reply, view, null);
    },
  );
  app.get(
    '/docs/:tool',
    { schema: { ...hidden, params: Type.Object({ tool: slugParam }), querystring: anyQuery } },
    (request, reply) => itemPage(request, reply, 'doc', `${request.params.tool}/index`),
  );
  app.get(
    '/docs/:tool/:page',
    {
      schema: { ...hidden, params: Type.Object({ tool: slugParam, page: slugParam }), querystring: anyQuery },
    },
    async (request, reply) => {
      const { tool, page } = request.params;
      // The index has its own URL (/docs/<tool>): /docs/<tool>/index is the same page.
      if (page === 'index') return reply.redirect(`/docs/${tool}`, 301);
      return itemPage(request, reply, 'doc', `${tool}/${page}`);
    },
  );

  // /about, /privacy, /terms and pages staff add. Every fixed route of the site wins over this one.
  app.get(
    '/:slug',
    { schema: { ...hidden, params: Type.Object({ slug: slugParam }), querystring: anyQuery } },
    (request, reply) => itemPage(request, reply, 'page', request.params.slug),
  );
}
