import fs from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { maxAgeUntil, sendCached } from './content.http.ts';
import type { ContentService } from './content.service.ts';
import type { ContentViewModels } from './content-view-models.ts';
import { absolutize, type BlogFeed, blogAtom, blogRss, podcastRss } from './domain/feeds.ts';
import { parseRange } from './domain/range.ts';
import { latest } from './domain/snapshot.ts';

const hidden = { hide: true } as const;
const anyQuery = Type.Object({}, { additionalProperties: true });
/** Feeds list the newest items; podcast apps and readers keep what they saw before. */
export const FEED_ITEMS = 50;
const RSS = 'application/rss+xml; charset=utf-8';
const ATOM = 'application/atom+xml; charset=utf-8';
const YEAR = 'public, max-age=31536000, immutable';

/**
 * The blog's feeds (RSS and Atom) and the podcast's, episode audio (byte ranges, never compressed) and image variants
 * (made on first request, cached for a year under content-hashed URLs).
 */
export function registerContentFeeds(
  app: HttpServer,
  deps: { content: ContentService; models: ContentViewModels },
) {
  const { content, models } = deps;
  const abs = (p: string) => new URL(p, content.siteUrl).href;

  /** The blog's newest posts as one feed, written as RSS or Atom. */
  async function blogFeed(
    self: string,
    write: (feed: BlogFeed) => string,
    type: string,
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    const live = await content.live();
    const now = content.now();
    const posts = live.visible('post', now).slice(0, FEED_ITEMS);
    const xml = write({
      title: 'FHIR IQ blog',
      description: 'Practical notes on building with FHIR, from the people who build FHIR IQ.',
      link: abs('/blog'),
      self: abs(self),
      language: 'en',
      updated: latest(posts) ?? now,
      items: await Promise.all(
        posts.map(async (p) => ({
          title: p.title,
          link: abs(`/blog/${p.slug}`),
          description: p.description,
          html: absolutize((await content.render(p)).html, content.siteUrl),
          published: new Date(`${p.date ?? p.frontMatter.date}T00:00:00Z`),
          author: live.find('author', p.frontMatter.author, now)?.title ?? null,
          categories: p.frontMatter.tags,
        })),
      ),
    });
    return sendCached(request, reply, xml, {
      type,
      lastModified: latest(posts),
      maxAge: maxAgeUntil(live.nextChange(now), now),
    });
  }

  app.get('/blog/feed.xml', { schema: { ...hidden, querystring: anyQuery } }, async (request, reply) =>
    blogFeed('/blog/feed.xml', blogRss, RSS, request, reply),
  );
  app.get('/blog/atom.xml', { schema: { ...hidden, querystring: anyQuery } }, async (request, reply) =>
    blogFeed('/blog/atom.xml', blogAtom, ATOM, request, reply),
  );

  app.get('/podcast/feed.xml', { schema: { ...hidden, querystring: anyQuery } }, async (request, reply) => {
    const live = await content.live();
    const now = content.now();
    const showItem = live.visible('show', now)[0];
    const show = await models.show(live, now);
    // Without the show (its title, owner, cover) there is no valid podcast feed.
    if (!showItem || !show?.coverUrl) throw new AppError('NOT_FOUND');
    const episodes = live.visible('episode', now).slice(0, FEED_ITEMS);
    const items = [];
    for (const e of episodes) {
      const bytes = models.audioBytes(e);
      // An episode whose file is missing is left out rather than announced with a wrong length.
      if (bytes === null) continue;
      const card = models.episodeCard(e);
      const rendered = await content.render(e);
      items.push({
        guid: e.id,
        title: e.title,
        link: abs(`/podcast/${e.slug}`),
        description: e.description,
        html: absolutize(rendered.html, content.siteUrl),
        published: new Date(`${card.date}T00:00:00Z`),
        audio: { url: abs(card.audioUrl), length: bytes, type: 'audio/mpeg' as const },
        seconds: card.seconds,
        episode: card.episode,
        season: card.season,
        explicit: e.frontMatter.explicit,
        image: e.frontMatter.image
          ? await content.images.original(e.frontMatter.image.src).then((u) => (u ? abs(u) : null))
          : null,
      });
    }
    const fm = showItem.frontMatter;
    const xml = podcastRss({
      title: showItem.title,
      description: showItem.description,
      link: abs('/podcast'),
      self: abs('/podcast/feed.xml'),
      language: fm.language,
      author: fm.author,
      email: fm.email,
      category: fm.category,
      image: show.coverUrl,
      explicit: false,
      updated: latest([...episodes, showItem]) ?? now,
      episodes: items,
    });
    return sendCached(request, reply, xml, {
      type: RSS,
      lastModified: latest([...episodes, showItem]),
      maxAge: maxAgeUntil(live.nextChange(now), now),
    });
  });

  app.get(
    '/podcast/audio/:file',
    {
      // Audio is already compressed, and a compressed answer could not honour byte ranges.
      compress: false,
      schema: {
        ...hidden,
        params: Type.Object({
          file: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*\\.mp3$', maxLength: 120 }),
        }),
        querystring: anyQuery,
      },
    },
    async (request, reply) => {
      const audio = `podcast/audio/${request.params.file}`;
      const live = await content.live();
      // Only the audio of a public episode is served.
      const episode = live.visible('episode', content.now()).find((e) => e.frontMatter.audio === audio);
      const file = episode ? content.audioPath(audio) : null;
      const stat = file ? await fs.promises.stat(file).catch(() => null) : null;
      if (!file || !stat?.isFile()) throw new AppError('NOT_FOUND');
      const etag = `"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}"`;
      reply
        .type('audio/mpeg')
        // Web podcast players and feed readers on other sites play the file: helmet's same-origin default would block them.
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('accept-ranges', 'bytes')
        .header('etag', etag)
        .header('last-modified', stat.mtime.toUTCString())
        .header('cache-control', 'public, max-age=86400');
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      // If-Range: a range of a file that changed since the client's copy would splice two files.
      const ifRange = request.headers['if-range'];
      const range =
        ifRange && ifRange !== etag
          ? { kind: 'whole' as const }
          : parseRange(request.headers.range, stat.size);
      if (range.kind === 'unsatisfiable') {
        throw new AppError('RANGE_NOT_SATISFIABLE', undefined, {
          headers: { 'content-range': `bytes */${stat.size}` },
        });
      }
      if (range.kind === 'whole') {
        return reply.header('content-length', String(stat.size)).send(fs.createReadStream(file));
      }
      return reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${stat.size}`)
        .header('content-length', String(range.end - range.start + 1))
        .send(fs.createReadStream(file, { start: range.start, end: range.end }));
    },
  );

  app.get(
    '/media/*',
    {
      compress: false,
      schema: {
        ...hidden,
        params: Type.Object({ '*': Type.String({ maxLength: 300 }) }),
        querystring: anyQuery,
      },
    },
    async (request, reply) => {
      const variant = await content.images.variant(request.params['*']);
      if (!variant) throw new AppError('NOT_FOUND');
      return (
        reply
          .type(variant.contentType)
          // Feed readers show a post's images (and podcast apps the cover) from their own pages.
          .header('cross-origin-resource-policy', 'cross-origin')
          .header('cache-control', YEAR)
          .header('content-length', String(variant.size))
          .send(fs.createReadStream(variant.file))
      );
    },
  );
}
