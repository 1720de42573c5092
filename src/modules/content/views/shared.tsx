import type { ComponentChildren } from 'preact';
import { Alert } from '../../../web/index.ts';

/** Pieces every content page shares. */

/**
 * The one place a content body enters a page as HTML. `html` comes only from
 * ContentService.render → renderMarkdown: markdown-it with raw HTML off, then sanitize-html
 * with an explicit allow-list. Nothing else may be passed here; every other string on a page
 * goes through preact, which escapes it.
 */
export function Prose(props: { html: string; class?: string }) {
  return (
    <div
      class={props.class ? `prose ${props.class}` : 'prose'}
      dangerouslySetInnerHTML={{ __html: props.html }}
    />
  );
}

const DATE_FORMAT = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  timeZone: 'UTC',
});

/** `2026-03-01` → `March 1, 2026`. */
export const longDate = (iso: string): string =>
  DATE_FORMAT.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`));

export function DateText(props: { iso: string }) {
  return <time datetime={props.iso.slice(0, 10)}>{longDate(props.iso)}</time>;
}

export interface Crumb {
  href: string;
  label: string;
}

export function Breadcrumbs(props: { trail: Crumb[] }) {
  return (
    <nav aria-label="Breadcrumb" class="breadcrumbs">
      <ol>
        {props.trail.map((c, i) => (
          <li key={c.href}>
            {i === props.trail.length - 1 ? (
              <span aria-current="page">{c.label}</span>
            ) : (
              <a href={c.href}>{c.label}</a>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}

export function breadcrumbJsonLd(siteUrl: string, trail: Crumb[]): Record<string, unknown> {
  return {
    '@context': 'https://schema.org',
    '@type': 'BreadcrumbList',
    itemListElement: trail.map((c, i) => ({
      '@type': 'ListItem',
      position: i + 1,
      name: c.label,
      item: new URL(c.href, siteUrl).href,
    })),
  };
}

/** Page links with `rel="prev"` / `rel="next"`; page 1 is the list's own URL. */
export function Pagination(props: { base: string; page: number; pages: number; label: string }) {
  const { base, page, pages } = props;
  if (pages <= 1) return null;
  const href = (n: number) => (n === 1 ? base : `${base}/page/${n}`);
  return (
    <nav aria-label={props.label} class="pagination">
      {page > 1 ? (
        <a href={href(page - 1)} rel="prev">
          Newer
        </a>
      ) : (
        <span />
      )}
      <span class="pagination-status">
        Page {page} of {pages}
      </span>
      {page < pages ? (
        <a href={href(page + 1)} rel="next">
          Older
        </a>
      ) : (
        <span />
      )}
    </nav>
  );
}

export function Tags(props: { tags: readonly string[] }) {
  if (!props.tags.length) return null;
  return (
    <ul class="tag-list">
      {props.tags.map((t) => (
        <li key={t}>
          <a href={`/blog/tag/${t}`} class="tag">
            {t}
          </a>
        </li>
      ))}
    </ul>
  );
}

/**
 * Sharing without any third-party script: plain links to each network's share URL, a mail
 * link, and the address in a read-only field a visitor can select and copy (no script needed).
 */
export function ShareLinks(props: { url: string; title: string }) {
  const u = encodeURIComponent(props.url);
  const t = encodeURIComponent(props.title);
  return (
    <section class="share" aria-labelledby="share">
      <h2 id="share" class="share-title">
        Share
      </h2>
      <ul class="share-links">
        <li>
          <a href={`https://www.linkedin.com/sharing/share-offsite/?url=${u}`} rel="noopener">
            LinkedIn
          </a>
        </li>
        <li>
          <a href={`https://x.com/intent/post?url=${u}&text=${t}`} rel="noopener">
            X
          </a>
        </li>
        <li>
          <a
            href={`https://bsky.app/intent/compose?text=${encodeURIComponent(`${props.title} ${props.url}`)}`}
            rel="noopener"
          >
            Bluesky
          </a>
        </li>
        <li>
          <a href={`mailto:?subject=${t}&body=${u}`}>Email</a>
        </li>
      </ul>
      <div class="form-field share-copy">
        <label for="share-url">Link to copy</label>
        <input id="share-url" type="url" value={props.url} readOnly />
      </div>
    </section>
  );
}

/** Shown above a staff preview: the page as the public will see it, not yet public. */
export function PreviewBanner(props: { status: string }) {
  return (
    <div class="container preview-banner">
      <Alert kind="info" title="Preview">
        This is how the page will look when it is published. It is {props.status} and not visible to the
        public.
      </Alert>
    </div>
  );
}

export function PageHeader(props: { title: string; lead?: string; children?: ComponentChildren }) {
  return (
    <header class="content-header">
      <h1>{props.title}</h1>
      {props.lead && <p class="section-lead">{props.lead}</p>}
      {props.children}
    </header>
  );
}

/**
 * The page's `<title>` for an item's title: search results show about 60 characters and the
 * layout adds " · FHIR IQ" (10 more), so a longer title is cut — before its first colon when
 * that leaves a real title, else at a word, with an ellipsis. The h1 always shows it whole.
 */
export function documentTitle(title: string): string {
  const max = 60;
  if (title.length <= max) return title;
  const head = title.split(/:\s/)[0] ?? title;
  if (head.length >= 15 && head.length <= max) return head;
  const cut = title.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > 20 ? cut.slice(0, space) : cut).replace(/[\s,;:–—-]+$/, '')}…`;
}

/** Absolute URL of a site path. */
export const absolute = (siteUrl: string, path: string): string => new URL(path, siteUrl).href;
