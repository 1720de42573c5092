import { Layout, type PageChrome } from '../../../web/index.ts';
import { MARK_END, MARK_START } from '../content.repository.ts';
import {
  absolute,
  Breadcrumbs,
  breadcrumbJsonLd,
  type Crumb,
  documentTitle,
  PageHeader,
  PreviewBanner,
  Prose,
} from './shared.tsx';

export interface DocLink {
  title: string;
  path: string;
}

export interface ToolDocs {
  tool: string;
  name: string;
  description: string;
  path: string;
  pages: DocLink[];
}

function SearchForm(props: { q?: string }) {
  return (
    <search class="docs-search">
      <form method="get" action="/docs/search" class="inline-form">
        <div class="form-field">
          <label for="docs-q">Search the documentation</label>
          <div class="field-control">
            <input id="docs-q" name="q" type="search" value={props.q ?? ''} maxLength={200} required />
          </div>
        </div>
        <button type="submit" class="btn btn-secondary">
          Search
        </button>
      </form>
    </search>
  );
}

export function DocsIndexPage(props: PageChrome & { tools: ToolDocs[] }) {
  return (
    <Layout
      {...props}
      title="Documentation"
      description="Guides and reference for FHIR IQ's tools: Mapper to FHIR, data quality assessments, FHIR analytics and the FHIR app builder."
      canonicalPath="/docs"
      currentPath="/docs"
    >
      <div class="container content-page">
        <PageHeader title="Documentation" lead="How to install, configure and use each FHIR IQ tool." />
        <SearchForm />
        {props.tools.length === 0 && <p>No documentation yet.</p>}
        <ul class="grid grid-2 docs-tools">
          {props.tools.map((t) => (
            <li class="card" key={t.tool}>
              <h2 class="card-title">
                <a href={t.path}>{t.name}</a>
              </h2>
              <p>{t.description}</p>
              <ul class="docs-page-list">
                {t.pages.slice(0, 6).map((p) => (
                  <li key={p.path}>
                    <a href={p.path}>{p.title}</a>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      </div>
    </Layout>
  );
}

export interface DocPageProps extends PageChrome {
  tool: ToolDocs;
  path: string;
  title: string;
  description: string;
  html: string;
  modified: string;
  previous: DocLink | null;
  next: DocLink | null;
  preview?: string | null;
}

export function DocPage(props: DocPageProps) {
  const siteUrl = props.siteUrl ?? '';
  const { tool } = props;
  const isIndex = props.path === tool.path;
  const trail: Crumb[] = [
    { href: '/', label: 'Home' },
    { href: '/docs', label: 'Documentation' },
    { href: tool.path, label: tool.name },
    ...(isIndex ? [] : [{ href: props.path, label: props.title }]),
  ];
  const article = {
    '@context': 'https://schema.org',
    '@type': 'TechArticle',
    headline: props.title,
    description: props.description,
    dateModified: props.modified,
    url: absolute(siteUrl, props.path),
    about: tool.name,
    publisher: { '@type': 'Organization', name: 'FHIR IQ', url: absolute(siteUrl, '/') },
  };
  return (
    <Layout
      {...props}
      title={docTitle(isIndex, props.title, tool.name)}
      description={props.description}
      canonicalPath={props.path}
      currentPath={props.path}
      og={{ type: 'article' }}
      jsonLd={[article, breadcrumbJsonLd(siteUrl, trail)]}
      robots={props.preview ? 'noindex, nofollow' : undefined}
    >
      {props.preview && <PreviewBanner status={props.preview} />}
      <div class="container content-page docs-layout">
        <nav aria-labelledby="docs-nav" class="docs-nav">
          <h2 id="docs-nav" class="docs-nav-title">
            {tool.name}
          </h2>
          <ol>
            {tool.pages.map((p) => (
              <li key={p.path}>
                <a href={p.path} aria-current={p.path === props.path ? 'page' : undefined}>
                  {p.title}
                </a>
              </li>
            ))}
          </ol>
          <p>
            <a href="/docs">All documentation</a>
          </p>
        </nav>
        <article class="docs-article">
          <Breadcrumbs trail={trail} />
          <h1>{props.title}</h1>
          <Prose html={props.html} />
          <nav aria-label="Previous and next page" class="pagination docs-pager">
            {props.previous ? (
              <a href={props.previous.path} rel="prev">
                <span class="pager-label">Previous</span> {props.previous.title}
              </a>
            ) : (
              <span />
            )}
            {props.next ? (
              <a href={props.next.path} rel="next">
                <span class="pager-label">Next</span> {props.next.title}
              </a>
            ) : (
              <span />
            )}
          </nav>
          <SearchForm />
        </article>
      </div>
    </Layout>
  );
}

/** The tool's name helps a search result, when it still fits in what search engines show (~60 characters). */
function docTitle(isIndex: boolean, title: string, tool: string): string {
  if (isIndex) return `${tool} documentation`;
  const both = `${title} · ${tool}`;
  return both.length <= 60 ? both : documentTitle(title);
}

export interface SearchResult {
  title: string;
  path: string;
  tool: string;
  snippet: string;
}

/** A snippet from the database: plain text with match markers, shown with `<mark>` (preact escapes the rest). */
export function Snippet(props: { text: string }) {
  const parts: { text: string; mark: boolean }[] = [];
  for (const chunk of props.text.split(MARK_START)) {
    const end = chunk.indexOf(MARK_END);
    if (end < 0) parts.push({ text: chunk, mark: false });
    else parts.push({ text: chunk.slice(0, end), mark: true }, { text: chunk.slice(end + 1), mark: false });
  }
  return (
    <p class="snippet">
      {parts.map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : p.text.replaceAll(MARK_END, '')))}
    </p>
  );
}

export function DocsSearchPage(props: PageChrome & { q: string; results: SearchResult[] }) {
  const title = props.q ? `Search: ${props.q}` : 'Search the documentation';
  return (
    <Layout
      {...props}
      title={title}
      description="Search FHIR IQ's documentation."
      canonicalPath="/docs/search"
      currentPath="/docs/search"
      robots="noindex, follow"
    >
      <div class="container content-page">
        <Breadcrumbs
          trail={[
            { href: '/', label: 'Home' },
            { href: '/docs', label: 'Documentation' },
            { href: '/docs/search', label: 'Search' },
          ]}
        />
        <h1>Search the documentation</h1>
        <SearchForm q={props.q} />
        {props.q && (
          <section aria-labelledby="results">
            <h2 id="results" role="status">
              {props.results.length === 0
                ? `No pages match “${props.q}”`
                : `${props.results.length} ${props.results.length === 1 ? 'page matches' : 'pages match'} “${props.q}”`}
            </h2>
            <ol class="search-results">
              {props.results.map((r) => (
                <li key={r.path} class="search-result">
                  <h3>
                    <a href={r.path}>{r.title}</a>
                  </h3>
                  <p class="post-meta">{r.tool}</p>
                  <Snippet text={r.snippet} />
                </li>
              ))}
            </ol>
          </section>
        )}
      </div>
    </Layout>
  );
}
