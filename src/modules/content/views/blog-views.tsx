import { Layout, type PageChrome } from '../../../web/index.ts';
import type { ResponsiveImage } from '../media/images.ts';
import { Picture, picturePreload } from '../media/picture.tsx';
import {
  absolute,
  Breadcrumbs,
  breadcrumbJsonLd,
  type Crumb,
  DateText,
  documentTitle,
  PageHeader,
  Pagination,
  PreviewBanner,
  Prose,
  ShareLinks,
  Tags,
} from './shared.tsx';

export interface PostCard {
  title: string;
  description: string;
  path: string;
  date: string;
  tags: readonly string[];
  minutes: number;
  image: ResponsiveImage | null;
}

export interface AuthorView {
  key: string;
  name: string;
  role: string;
  bioHtml: string;
  image: ResponsiveImage | null;
  links: { label: string; href: string }[];
}

export const CARD_IMAGE_SIZES = '(min-width: 64rem) 22rem, (min-width: 40rem) 45vw, 100vw';
export const COVER_SIZES = '(min-width: 48rem) 44rem, 100vw';
const FEEDS = [
  { href: '/blog/feed.xml', title: 'FHIR IQ blog', type: 'application/rss+xml' as const },
  { href: '/blog/atom.xml', title: 'FHIR IQ blog (Atom)', type: 'application/atom+xml' as const },
];

export function PostCards(props: { posts: PostCard[]; headingLevel: 2 | 3; eagerFirst?: boolean }) {
  const H = props.headingLevel === 2 ? 'h2' : 'h3';
  return (
    <ul class="post-list">
      {props.posts.map((p, i) => (
        <li class="card post-card" key={p.path}>
          {p.image && (
            <Picture image={p.image} sizes={CARD_IMAGE_SIZES} priority={props.eagerFirst && i === 0} />
          )}
          <H class="card-title">
            <a href={p.path}>{p.title}</a>
          </H>
          <p class="post-meta">
            <DateText iso={p.date} /> · {p.minutes} min read
          </p>
          <p>{p.description}</p>
          <Tags tags={p.tags} />
        </li>
      ))}
    </ul>
  );
}

export interface BlogListProps extends PageChrome {
  posts: PostCard[];
  page: number;
  pages: number;
  tag: string | null;
  tags: string[];
}

export function BlogListPage(props: BlogListProps) {
  const base = props.tag ? `/blog/tag/${props.tag}` : '/blog';
  const path = props.page > 1 ? `${base}/page/${props.page}` : base;
  const title = props.tag ? `Posts tagged “${props.tag}”` : 'Blog';
  const pageTitle = props.page > 1 ? `${title} (page ${props.page})` : title;
  return (
    <Layout
      systemFonts
      {...props}
      title={pageTitle}
      description={
        props.tag
          ? `FHIR IQ articles about ${props.tag}.`
          : 'Articles on FHIR R4, US Core, SMART on FHIR, bulk data, SQL-on-FHIR and data quality, from the FHIR IQ team.'
      }
      canonicalPath={path}
      currentPath="/blog"
      feeds={FEEDS}
    >
      <div class="container content-page">
        <PageHeader
          title={pageTitle}
          lead={
            props.tag
              ? undefined
              : 'Practical notes on building with FHIR, from the people who build FHIR IQ.'
          }
        >
          <p class="content-header-links">
            <a href="/blog/feed.xml">RSS feed</a>
            <a href="/blog/atom.xml">Atom feed</a>
            {props.tag && <a href="/blog">All posts</a>}
          </p>
        </PageHeader>
        {props.tags.length > 0 && (
          <nav aria-label="Topics" class="topic-nav">
            <Tags tags={props.tags} />
          </nav>
        )}
        {props.posts.length ? (
          <PostCards posts={props.posts} headingLevel={2} eagerFirst={props.page === 1} />
        ) : (
          <p>No posts yet.</p>
        )}
        <Pagination base={base} page={props.page} pages={props.pages} label="Blog pages" />
      </div>
    </Layout>
  );
}

export interface PostPageProps extends PageChrome {
  slug: string;
  title: string;
  description: string;
  date: string;
  updated: string | null;
  tags: readonly string[];
  minutes: number;
  html: string;
  cover: ResponsiveImage | null;
  card: { url: string; width: number; height: number; alt: string } | null;
  author: AuthorView | null;
  related: PostCard[];
  preview?: string | null;
}

export function BlogPostPage(props: PostPageProps) {
  const siteUrl = props.siteUrl ?? '';
  const path = `/blog/${props.slug}`;
  const url = absolute(siteUrl, path);
  const trail: Crumb[] = [
    { href: '/', label: 'Home' },
    { href: '/blog', label: 'Blog' },
    { href: path, label: props.title },
  ];
  const posting: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': 'BlogPosting',
    headline: props.title,
    description: props.description,
    datePublished: props.date,
    dateModified: props.updated ?? props.date,
    url,
    mainEntityOfPage: url,
    keywords: props.tags.join(', '),
    publisher: { '@type': 'Organization', name: 'FHIR IQ', url: absolute(siteUrl, '/') },
    ...(props.author
      ? {
          author: {
            '@type': 'Person',
            name: props.author.name,
            jobTitle: props.author.role,
            url: absolute(siteUrl, `/about#author-${props.author.key}`),
          },
        }
      : {}),
    ...(props.card ? { image: absolute(siteUrl, props.card.url) } : {}),
  };
  return (
    <Layout
      {...props}
      title={documentTitle(props.title)}
      description={props.description}
      canonicalPath={path}
      currentPath={path}
      og={{ type: 'article', ...(props.card ? { image: props.card } : {}) }}
      systemFonts
      preloadImage={props.cover ? picturePreload(props.cover, COVER_SIZES) : undefined}
      jsonLd={[posting, breadcrumbJsonLd(siteUrl, trail)]}
      feeds={FEEDS}
      robots={props.preview ? 'noindex, nofollow' : undefined}
    >
      {props.preview && <PreviewBanner status={props.preview} />}
      <article class="container content-page post">
        <Breadcrumbs trail={trail} />
        <header class="content-header">
          <h1>{props.title}</h1>
          <p class="post-meta">
            {props.author && (
              <>
                By <a href="#author">{props.author.name}</a> ·{' '}
              </>
            )}
            <DateText iso={props.date} />
            {props.updated && (
              <>
                {' '}
                · Updated <DateText iso={props.updated} />
              </>
            )}{' '}
            · {props.minutes} min read
          </p>
          <Tags tags={props.tags} />
        </header>
        {props.cover && <Picture image={props.cover} sizes={COVER_SIZES} priority class="cover" />}
        <Prose html={props.html} />
        <ShareLinks url={url} title={props.title} />
        {props.author && <AuthorBio author={props.author} />}
        {props.related.length > 0 && (
          <section class="related" aria-labelledby="related">
            <h2 id="related">Related posts</h2>
            <PostCards posts={props.related} headingLevel={3} />
          </section>
        )}
      </article>
    </Layout>
  );
}

export function AuthorBio(props: { author: AuthorView }) {
  const a = props.author;
  return (
    <aside class="author-bio card" aria-labelledby="author">
      {a.image && <Picture image={a.image} sizes="6rem" class="author-photo" />}
      <div>
        <h2 id="author" class="card-title">
          About {a.name}
        </h2>
        <p class="author-role">{a.role}</p>
        <Prose html={a.bioHtml} />
        {a.links.length > 0 && (
          <ul class="author-links">
            {a.links.map((l) => (
              <li key={l.href}>
                <a href={l.href} rel={l.href.startsWith('/') ? undefined : 'noopener'}>
                  {l.label}
                </a>
              </li>
            ))}
          </ul>
        )}
      </div>
    </aside>
  );
}
