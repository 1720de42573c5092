/**
 * Feeds as text: the blog's as RSS 2.0 and as Atom (RFC 4287; same entries), and (full content in `content:encoded`) and the podcast's, with
 * the iTunes namespace Apple Podcasts and the other apps read (enclosure with the file's real
 * length in bytes, duration, image, category, explicit, episode and season numbers). Every URL is
 * absolute; text is escaped and stripped of characters XML 1.0 cannot carry.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing what XML 1.0 forbids is the point.
const INVALID_XML = /[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlEscape(value: string): string {
  return value
    .replace(INVALID_XML, '')
    .replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
    );
}

const el = (name: string, value: string) => `<${name}>${xmlEscape(value)}</${name}>`;

/** RFC 822 date, as RSS wants it: `Sun, 01 Mar 2026 00:00:00 GMT`. */
export const rfc822 = (d: Date): string => d.toUTCString();

/** `H:MM:SS` or `M:SS`. */
export function duration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}

/** Site-relative `href`, `src` and `srcset` URLs in HTML made absolute (feed readers have no base URL). */
export function absolutize(html: string, siteUrl: string): string {
  const abs = (u: string) => (u.startsWith('/') && !u.startsWith('//') ? `${siteUrl}${u}` : u);
  return html
    .replace(/\s(href|src)="([^"]*)"/g, (_m, attr: string, url: string) => ` ${attr}="${abs(url)}"`)
    .replace(/\ssrcset="([^"]*)"/g, (_m, set: string) => {
      const list = set.split(',').map((part) => {
        const [url = '', ...rest] = part.trim().split(/\s+/);
        return [abs(url), ...rest].join(' ');
      });
      return ` srcset="${list.join(', ')}"`;
    });
}

export interface BlogFeed {
  title: string;
  description: string;
  /** The blog's page and the feed's own URL, absolute. */
  link: string;
  self: string;
  language: string;
  updated: Date;
  items: {
    title: string;
    link: string;
    description: string;
    /** Full HTML, absolute URLs. */
    html: string;
    published: Date;
    author: string | null;
    categories: readonly string[];
  }[];
}

export function blogRss(feed: BlogFeed): string {
  const items = feed.items.map((i) =>
    [
      '<item>',
      el('title', i.title),
      el('link', i.link),
      `<guid isPermaLink="true">${xmlEscape(i.link)}</guid>`,
      el('pubDate', rfc822(i.published)),
      i.author ? el('dc:creator', i.author) : '',
      ...i.categories.map((c) => el('category', c)),
      el('description', i.description),
      el('content:encoded', i.html),
      '</item>',
    ].join(''),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">',
    '<channel>',
    el('title', feed.title),
    el('link', feed.link),
    `<atom:link href="${xmlEscape(feed.self)}" rel="self" type="application/rss+xml"/>`,
    el('description', feed.description),
    el('language', feed.language),
    el('lastBuildDate', rfc822(feed.updated)),
    ...items,
    '</channel>',
    '</rss>',
    '',
  ].join('\n');
}

/**
 * The blog as an Atom feed (RFC 4287): the same entries as the RSS one, each with its id (the
 * post's URL), dates, author, categories, summary and full content as escaped HTML.
 */
export function blogAtom(feed: BlogFeed): string {
  const iso = (d: Date) => d.toISOString();
  const entries = feed.items.map((i) =>
    [
      '<entry>',
      `<title type="text">${xmlEscape(i.title)}</title>`,
      `<link rel="alternate" type="text/html" href="${xmlEscape(i.link)}"/>`,
      el('id', i.link),
      el('published', iso(i.published)),
      el('updated', iso(i.published)),
      i.author ? `<author>${el('name', i.author)}</author>` : '',
      ...i.categories.map((c) => `<category term="${xmlEscape(c)}"/>`),
      `<summary type="text">${xmlEscape(i.description)}</summary>`,
      `<content type="html">${xmlEscape(i.html)}</content>`,
      '</entry>',
    ].join(''),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xmlEscape(feed.language)}">`,
    `<title type="text">${xmlEscape(feed.title)}</title>`,
    `<subtitle type="text">${xmlEscape(feed.description)}</subtitle>`,
    `<link rel="alternate" type="text/html" href="${xmlEscape(feed.link)}"/>`,
    `<link rel="self" type="application/atom+xml" href="${xmlEscape(feed.self)}"/>`,
    el('id', feed.link),
    el('updated', iso(feed.updated)),
    // Atom requires an author for the feed when an entry has none.
    `<author>${el('name', feed.title)}</author>`,
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

export interface PodcastFeed {
  title: string;
  description: string;
  link: string;
  self: string;
  language: string;
  author: string;
  email: string;
  /** An Apple category, e.g. `Technology`; `Health & Fitness > Medicine` names a subcategory. */
  category: string;
  image: string;
  explicit: boolean;
  updated: Date;
  episodes: {
    guid: string;
    title: string;
    link: string;
    description: string;
    html: string;
    published: Date;
    audio: { url: string; length: number; type: 'audio/mpeg' };
    seconds: number;
    episode: number;
    season: number;
    explicit: boolean;
    image: string | null;
  }[];
}

function category(value: string): string {
  const [main = value, sub] = value.split('>').map((s) => s.trim());
  const attr = (s: string) => `text="${xmlEscape(s)}"`;
  return sub
    ? `<itunes:category ${attr(main)}><itunes:category ${attr(sub)}/></itunes:category>`
    : `<itunes:category ${attr(main)}/>`;
}

export function podcastRss(feed: PodcastFeed): string {
  const items = feed.episodes.map((e) =>
    [
      '<item>',
      el('title', e.title),
      el('itunes:title', e.title),
      el('link', e.link),
      `<guid isPermaLink="false">${xmlEscape(e.guid)}</guid>`,
      el('pubDate', rfc822(e.published)),
      el('description', e.description),
      el('content:encoded', e.html),
      `<enclosure url="${xmlEscape(e.audio.url)}" length="${e.audio.length}" type="${e.audio.type}"/>`,
      el('itunes:duration', duration(e.seconds)),
      el('itunes:episode', String(e.episode)),
      el('itunes:season', String(e.season)),
      el('itunes:episodeType', 'full'),
      el('itunes:explicit', e.explicit ? 'true' : 'false'),
      e.image ? `<itunes:image href="${xmlEscape(e.image)}"/>` : '',
      '</item>',
    ].join(''),
  );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
    '<channel>',
    el('title', feed.title),
    el('link', feed.link),
    `<atom:link href="${xmlEscape(feed.self)}" rel="self" type="application/rss+xml"/>`,
    el('description', feed.description),
    el('language', feed.language),
    el('lastBuildDate', rfc822(feed.updated)),
    el('itunes:author', feed.author),
    `<itunes:owner>${el('itunes:name', feed.author)}${el('itunes:email', feed.email)}</itunes:owner>`,
    `<itunes:image href="${xmlEscape(feed.image)}"/>`,
    `<image>${el('url', feed.image)}${el('title', feed.title)}${el('link', feed.link)}</image>`,
    category(feed.category),
    el('itunes:explicit', feed.explicit ? 'true' : 'false'),
    el('itunes:type', 'episodic'),
    ...items,
    '</channel>',
    '</rss>',
    '',
  ].join('\n');
}
