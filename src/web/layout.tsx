import type { ComponentChildren } from 'preact';
import { AccountSectionNav, accountSectionOf } from './account-nav.tsx';
import { assetUrl, getAssetManifest } from './assets.ts';
import { Alert, CsrfInput } from './components.tsx';
import { PRELOADED_FONT } from './fonts.ts';
import { tokens } from './tokens.ts';

export interface LayoutUser {
  name: string;
  email: string;
  isStaff: boolean;
}

export interface Flash {
  kind: 'info' | 'success' | 'error';
  text: string;
}

export interface LayoutProps {
  title: string;
  description?: string;
  /** Path of the canonical URL, e.g. `/pricing`; made absolute with `siteUrl` when given. */
  canonicalPath?: string;
  /** Public origin (PUBLIC_URL), e.g. `https://fhiriq.example`. */
  siteUrl?: string;
  /** Path of the current page, to mark its navigation link with aria-current. */
  currentPath?: string;
  user?: LayoutUser | null;
  csrfToken?: string;
  flash?: Flash | null;
  /** Logical names of client islands this page uses, e.g. `password-toggle.js`. */
  islands?: readonly string[];
  /** Open Graph type and image (`og:*`, Twitter card); the title, description and URL come from the page. */
  og?: OpenGraph;
  /** schema.org objects, each rendered as one `application/ld+json` block (not executed, so outside the CSP). */
  jsonLd?: ReadonlyArray<Record<string, unknown>>;
  /**
   * The page's largest image above the fold (its LCP element), preloaded with the stylesheet
   * at high priority instead of waiting for the parser to reach it: one format (a `<picture>`'s
   * first source) with the same `srcset` and `sizes`, so the browser preloads the very file
   * the picture then picks. A browser that cannot decode `type` skips the preload.
   */
  preloadImage?: { type: string; srcset: string; sizes: string };
  /**
   * Set in the metric-matched system face only: no web font is preloaded or requested. The
   * blog, podcast and case studies use it (reading pages led by an image, opened from a feed or a
   * search on a phone): on slow 4G the 48 KB face shared the link with the cover, and
   * `font-display: optional` shows the fallback on a first visit anyway.
   */
  systemFonts?: boolean;
  /** `robots` meta, e.g. `noindex` for previews and private pages. */
  robots?: string;
  /** Feeds announced with `<link rel="alternate">` (blog RSS, podcast). */
  feeds?: ReadonlyArray<{
    href: string;
    title: string;
    type: 'application/rss+xml' | 'application/atom+xml';
  }>;
  children?: ComponentChildren;
}

export interface OpenGraph {
  type?: 'website' | 'article' | 'product' | 'music.song' | 'profile';
  /** Absolute or site-relative URL of an image at least 1200×630 (made absolute with `siteUrl`). */
  image?: { url: string; width: number; height: number; alt: string };
}

// preact's typings (10.29) know fetchpriority on images and links, not yet on scripts.
const LOW_PRIORITY: Record<string, string> = { fetchpriority: 'low' };

/** The props every full page passes through to the layout. */
export type PageChrome = Pick<LayoutProps, 'user' | 'csrfToken' | 'flash' | 'siteUrl'>;

export const SITE_NAME = 'FHIR IQ';
const DEFAULT_DESCRIPTION =
  'FHIR IQ: FHIR R4 tools, training and consulting that help healthcare organisations exchange and use clinical data.';

export const MAIN_NAV: ReadonlyArray<{ href: string; label: string }> = [
  { href: '/', label: 'Home' },
  { href: '/tools', label: 'Tools' },
  { href: '/training', label: 'Training' },
  { href: '/consulting', label: 'Consulting' },
  { href: '/pricing', label: 'Pricing' },
  { href: '/blog', label: 'Blog' },
  { href: '/about', label: 'About' },
  { href: '/contact', label: 'Contact' },
];

const FOOTER_NAV: ReadonlyArray<{ href: string; label: string }> = [
  { href: '/docs', label: 'Docs' },
  { href: '/podcast', label: 'Podcast' },
  { href: '/case-studies', label: 'Case studies' },
  { href: '/privacy', label: 'Privacy' },
  { href: '/terms', label: 'Terms' },
  { href: '/contact', label: 'Contact' },
];

/**
 * `page` for the page itself, `true` for a page inside a section (a blog post
 * under Blog), so assistive technology hears where the visitor is.
 */
export function ariaCurrent(href: string, currentPath: string | undefined): 'page' | 'true' | undefined {
  if (currentPath === undefined) return undefined;
  const path = currentPath.split(/[?#]/)[0] ?? currentPath;
  if (path === href) return 'page';
  if (href !== '/' && path.startsWith(`${href}/`)) return 'true';
  return undefined;
}

function NavLink(props: { href: string; label: string; currentPath: string | undefined; class?: string }) {
  return (
    <li>
      <a href={props.href} class={props.class} aria-current={ariaCurrent(props.href, props.currentPath)}>
        {props.label}
      </a>
    </li>
  );
}

function AccountNav(props: { user: LayoutUser | null; csrfToken: string | undefined; currentPath?: string }) {
  const { user, csrfToken, currentPath } = props;
  if (!user) {
    return (
      <ul class="nav-account">
        <NavLink href="/cart" label="Cart" currentPath={currentPath} />
        <NavLink href="/sign-in" label="Sign in" currentPath={currentPath} />
        <NavLink
          href="/sign-up"
          label="Sign up"
          currentPath={currentPath}
          class="btn btn-primary btn-small"
        />
      </ul>
    );
  }
  return (
    <ul class="nav-account">
      {user.isStaff && <NavLink href="/admin" label="Admin" currentPath={currentPath} />}
      <NavLink href="/cart" label="Cart" currentPath={currentPath} />
      <NavLink href="/account" label="Account" currentPath={currentPath} />
      <li>
        <form method="post" action="/sign-out" class="sign-out">
          {csrfToken !== undefined && <CsrfInput token={csrfToken} />}
          <button type="submit" class="btn btn-secondary btn-small">
            Sign out
          </button>
        </form>
      </li>
    </ul>
  );
}

/**
 * JSON for an inline data block: `<`, `>` and `&` become \u escapes so no
 * string inside can close the script element or open a comment.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The site's card (src/web/social-card.png, made by scripts/social-card.ts) for pages without their own image. */
function defaultImage(): OpenGraph['image'] {
  const card = getAssetManifest().byName.get('social-card.png');
  return (
    card && {
      url: card.url,
      width: 1200,
      height: 630,
      alt: 'FHIR IQ: FHIR R4 tools, training and consulting',
    }
  );
}

function SocialMeta(props: {
  title: string;
  description: string;
  url: string | undefined;
  og: OpenGraph;
  siteUrl?: string;
}) {
  const { og } = props;
  const given = og.image ?? defaultImage();
  const image = given && {
    ...given,
    url: props.siteUrl ? new URL(given.url, props.siteUrl).href : given.url,
  };
  return (
    <>
      <meta property="og:site_name" content={SITE_NAME} />
      <meta property="og:type" content={og.type ?? 'website'} />
      <meta property="og:title" content={props.title} />
      <meta property="og:description" content={props.description} />
      {props.url !== undefined && <meta property="og:url" content={props.url} />}
      {image && <meta property="og:image" content={image.url} />}
      {image && <meta property="og:image:width" content={String(image.width)} />}
      {image && <meta property="og:image:height" content={String(image.height)} />}
      {image && <meta property="og:image:alt" content={image.alt} />}
      <meta name="twitter:card" content={image ? 'summary_large_image' : 'summary'} />
      <meta name="twitter:title" content={props.title} />
      <meta name="twitter:description" content={props.description} />
      {image && <meta name="twitter:image" content={image.url} />}
    </>
  );
}

export function Layout(props: LayoutProps) {
  const { title, currentPath, user = null, csrfToken, flash = null, islands = [] } = props;
  const fullTitle = title === SITE_NAME ? title : `${title} · ${SITE_NAME}`;
  const description = props.description ?? DEFAULT_DESCRIPTION;
  const canonical =
    props.canonicalPath === undefined
      ? undefined
      : props.siteUrl
        ? new URL(props.canonicalPath, props.siteUrl).href
        : props.canonicalPath;
  return (
    <html lang="en" class={props.systemFonts ? 'system-fonts' : undefined}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{fullTitle}</title>
        <meta name="description" content={description} />
        {props.robots !== undefined && <meta name="robots" content={props.robots} />}
        <meta name="theme-color" content={tokens.color.primary} />
        {canonical !== undefined && <link rel="canonical" href={canonical} />}
        <SocialMeta
          title={title}
          description={description}
          url={canonical}
          og={props.og ?? {}}
          siteUrl={props.siteUrl}
        />
        {(props.feeds ?? []).map((f) => (
          <link rel="alternate" type={f.type} title={f.title} href={f.href} key={f.href} />
        ))}
        {/* The stylesheet first: it blocks the first paint, so it takes the connection the
            document leaves idle; the LCP image and the font's preload follow. */}
        <link rel="stylesheet" href={assetUrl('site.css')} />
        {props.preloadImage && (
          <link
            rel="preload"
            as="image"
            type={props.preloadImage.type}
            fetchpriority="high"
            {...{ imagesrcset: props.preloadImage.srcset, imagesizes: props.preloadImage.sizes }}
          />
        )}
        {!props.systemFonts && (
          <link
            rel="preload"
            href={assetUrl(PRELOADED_FONT)}
            as="font"
            type="font/woff2"
            crossOrigin="anonymous"
          />
        )}
        <link rel="icon" href={assetUrl('favicon.svg')} type="image/svg+xml" />
        {/* Islands only enhance a page that already works: they load at low priority, after
            what the first paint needs (a module script is deferred anyway). */}
        {islands.map((name) => (
          <script type="module" src={assetUrl(name)} {...LOW_PRIORITY} key={name} />
        ))}
        {(props.jsonLd ?? []).map((data, i) => (
          <script
            type="application/ld+json"
            key={i}
            dangerouslySetInnerHTML={{ __html: jsonForScript(data) }}
          />
        ))}
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to main content
        </a>
        <header class="site-header">
          <div class="container header-inner">
            <a class="brand" href="/">
              <img class="brand-mark" src={assetUrl('favicon.svg')} alt="" width={32} height={32} />
              <span class="brand-name">{SITE_NAME}</span>
            </a>
            <nav aria-label="Main" class="site-nav">
              {/* A disclosure collapses the menu on small screens without any script;
                  on wide screens CSS keeps it open and hides the toggle. */}
              <details class="nav-disclosure">
                <summary class="nav-toggle">
                  <span class="nav-toggle-icon" aria-hidden="true" />
                  Menu
                </summary>
                <div class="nav-panel">
                  <ul class="nav-links">
                    {MAIN_NAV.map((item) => (
                      <NavLink
                        key={item.href}
                        href={item.href}
                        label={item.label}
                        currentPath={currentPath}
                      />
                    ))}
                  </ul>
                  <AccountNav user={user} csrfToken={csrfToken} currentPath={currentPath} />
                </div>
              </details>
            </nav>
          </div>
        </header>
        <main id="main" tabIndex={-1}>
          {user && currentPath && accountSectionOf(currentPath) && (
            <AccountSectionNav currentPath={currentPath} />
          )}
          {flash && (
            <div class="container flash-region">
              <Alert kind={flash.kind}>{flash.text}</Alert>
            </div>
          )}
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="container footer-inner">
            <div class="footer-company">
              <p class="footer-brand">{SITE_NAME}</p>
              <p>FHIR R4 tools, training and consulting for healthcare organisations.</p>
            </div>
            <nav aria-label="Footer">
              <ul class="footer-links">
                {FOOTER_NAV.map((item) => (
                  <NavLink key={item.href} href={item.href} label={item.label} currentPath={currentPath} />
                ))}
              </ul>
            </nav>
            <p class="footer-legal">
              FHIR® is the registered trademark of HL7 and is used with the permission of HL7.
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}
