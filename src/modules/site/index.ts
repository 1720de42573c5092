import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppModule, PlatformContext } from '../../platform/context.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { assetsPlugin, HomePage, type PageChrome, renderPage } from '../../web/index.ts';
import type { AccountsModule } from '../accounts/index.ts';

/**
 * The public site: static assets and the home page for now; the content
 * issue fills in the rest of the page tree.
 */
export function createSiteModule(ctx: PlatformContext, deps: { accounts: AccountsModule }): AppModule {
  const chrome = (request: FastifyRequest, reply: FastifyReply): PageChrome =>
    deps.accounts.pageChrome(request, reply);
  return {
    name: 'site',
    async registerRoutes(app: HttpServer) {
      await app.register(assetsPlugin);
      app.get('/', { schema: { hide: true } }, async (request, reply) =>
        reply
          .type('text/html; charset=utf-8')
          .send(renderPage(HomePage({ ...chrome(request, reply), siteUrl: ctx.config.publicUrl }))),
      );
      app.get('/robots.txt', { schema: { hide: true } }, async (_request, reply) =>
        reply
          .type('text/plain; charset=utf-8')
          .header('cache-control', 'public, max-age=3600')
          .send(`User-agent: *\nDisallow: /admin\nDisallow: /account\nDisallow: /api/\n`),
      );
    },
  };
}
