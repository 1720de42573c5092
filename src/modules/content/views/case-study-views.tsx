import { Layout, type PageChrome } from '../../../web/index.ts';
import type { ResponsiveImage } from '../media/images.ts';
import { Picture, picturePreload } from '../media/picture.tsx';
import { CARD_IMAGE_SIZES, COVER_SIZES } from './blog-views.tsx';
import {
  absolute,
  Breadcrumbs,
  breadcrumbJsonLd,
  type Crumb,
  DateText,
  documentTitle,
  PageHeader,
  PreviewBanner,
  Prose,
  ShareLinks,
} from './shared.tsx';

export interface CaseStudyCard {
  slug: string;
  title: string;
  description: string;
  date: string;
  client: string;
  industry: string;
  results: { label: string; value: string }[];
  image: ResponsiveImage | null;
}

/** A product a case study used: linked to its page when the catalog knows it. */
export interface ProductLink {
  key: string;
  name: string;
  href: string | null;
}

function Results(props: { results: { label: string; value: string }[]; compact?: boolean }) {
  return (
    <dl class={props.compact ? 'results results-compact' : 'results'}>
      {props.results.map((r) => (
        <div class="result" key={r.label}>
          <dt>{r.label}</dt>
          <dd>{r.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function CaseStudiesPage(props: PageChrome & { studies: CaseStudyCard[] }) {
  return (
    <Layout
      systemFonts
      {...props}
      title="Case studies"
      description="How healthcare organisations use FHIR IQ's tools, training and consulting: the challenge, the approach and measured results."
      canonicalPath="/case-studies"
      currentPath="/case-studies"
    >
      <div class="container content-page">
        <PageHeader
          title="Case studies"
          lead="Healthcare organisations that put FHIR to work with us, and what changed for them."
        />
        {props.studies.length === 0 && <p>No case studies yet.</p>}
        <ul class="post-list">
          {props.studies.map((s, i) => (
            <li class="card post-card" key={s.slug}>
              {s.image && <Picture image={s.image} sizes={CARD_IMAGE_SIZES} priority={i === 0} />}
              <h2 class="card-title">
                <a href={`/case-studies/${s.slug}`}>{s.title}</a>
              </h2>
              <p class="post-meta">
                {s.client} · {s.industry}
              </p>
              <p>{s.description}</p>
              <Results results={s.results.slice(0, 3)} compact />
            </li>
          ))}
        </ul>
      </div>
    </Layout>
  );
}

export interface CaseStudyPageProps extends PageChrome {
  study: CaseStudyCard;
  products: ProductLink[];
  html: string;
  card: { url: string; width: number; height: number; alt: string } | null;
  preview?: string | null;
}

export function CaseStudyPage(props: CaseStudyPageProps) {
  const siteUrl = props.siteUrl ?? '';
  const s = props.study;
  const path = `/case-studies/${s.slug}`;
  const url = absolute(siteUrl, path);
  const trail: Crumb[] = [
    { href: '/', label: 'Home' },
    { href: '/case-studies', label: 'Case studies' },
    { href: path, label: s.title },
  ];
  const article = {
    '@context': 'https://schema.org',
    '@type': 'Article',
    headline: s.title,
    description: s.description,
    datePublished: s.date,
    url,
    mainEntityOfPage: url,
    about: s.industry,
    author: { '@type': 'Organization', name: 'FHIR IQ', url: absolute(siteUrl, '/') },
    publisher: { '@type': 'Organization', name: 'FHIR IQ', url: absolute(siteUrl, '/') },
    ...(props.card ? { image: absolute(siteUrl, props.card.url) } : {}),
  };
  return (
    <Layout
      {...props}
      title={documentTitle(s.title)}
      description={s.description}
      canonicalPath={path}
      currentPath={path}
      og={{ type: 'article', ...(props.card ? { image: props.card } : {}) }}
      systemFonts
      preloadImage={s.image ? picturePreload(s.image, COVER_SIZES) : undefined}
      jsonLd={[article, breadcrumbJsonLd(siteUrl, trail)]}
      robots={props.preview ? 'noindex, nofollow' : undefined}
    >
      {props.preview && <PreviewBanner status={props.preview} />}
      <article class="container content-page case-study">
        <Breadcrumbs trail={trail} />
        <header class="content-header">
          <h1>{s.title}</h1>
          <p class="section-lead">{s.description}</p>
          <dl class="facts">
            <div>
              <dt>Client</dt>
              <dd>{s.client}</dd>
            </div>
            <div>
              <dt>Industry</dt>
              <dd>{s.industry}</dd>
            </div>
            <div>
              <dt>Published</dt>
              <dd>
                <DateText iso={s.date} />
              </dd>
            </div>
          </dl>
        </header>
        {s.image && <Picture image={s.image} sizes={COVER_SIZES} priority class="cover" />}
        <section aria-labelledby="results-heading" class="results-section">
          <h2 id="results-heading">Results</h2>
          <Results results={s.results} />
        </section>
        <Prose html={props.html} />
        {props.products.length > 0 && (
          <section aria-labelledby="products-heading">
            <h2 id="products-heading">Products used</h2>
            <ul class="product-links">
              {props.products.map((p) => (
                <li key={p.key}>{p.href ? <a href={p.href}>{p.name}</a> : p.name}</li>
              ))}
            </ul>
          </section>
        )}
        <ShareLinks url={url} title={s.title} />
      </article>
    </Layout>
  );
}
