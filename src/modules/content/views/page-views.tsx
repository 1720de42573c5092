import { Layout, type PageChrome } from '../../../web/index.ts';
import { Picture } from '../media/picture.tsx';
import type { AuthorView } from './blog-views.tsx';
import { absolute, documentTitle, PageHeader, PreviewBanner, Prose } from './shared.tsx';

export interface SitePageProps extends PageChrome {
  slug: string;
  title: string;
  description: string;
  html: string;
  modified: string;
  values: { title: string; text: string }[];
  /** The About page shows the team (the authors). */
  team: AuthorView[] | null;
  preview?: string | null;
}

/** `/about`, `/privacy`, `/terms` and any other page staff add under `/<slug>`. */
export function SitePage(props: SitePageProps) {
  const siteUrl = props.siteUrl ?? '';
  const path = `/${props.slug}`;
  const about = props.slug === 'about';
  const data: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': about ? 'AboutPage' : 'WebPage',
    name: props.title,
    description: props.description,
    url: absolute(siteUrl, path),
    dateModified: props.modified,
  };
  return (
    <Layout
      {...props}
      title={documentTitle(props.title)}
      description={props.description}
      canonicalPath={path}
      currentPath={path}
      jsonLd={[data]}
      robots={props.preview ? 'noindex, nofollow' : undefined}
    >
      {props.preview && <PreviewBanner status={props.preview} />}
      <article class="container content-page site-page">
        <PageHeader title={props.title} lead={props.description || undefined} />
        <Prose html={props.html} />
        {props.values.length > 0 && (
          <section aria-labelledby="values" class="values">
            <h2 id="values">Our values</h2>
            <ul class="grid grid-2">
              {props.values.map((v) => (
                <li class="card" key={v.title}>
                  <h3 class="card-title">{v.title}</h3>
                  <p>{v.text}</p>
                </li>
              ))}
            </ul>
          </section>
        )}
        {props.team && props.team.length > 0 && (
          <section aria-labelledby="team" class="team">
            <h2 id="team">The team</h2>
            <ul class="grid grid-2">
              {props.team.map((a) => (
                <li class="card team-member" key={a.key} id={`author-${a.key}`}>
                  {a.image && <Picture image={a.image} sizes="8rem" class="author-photo" />}
                  <h3 class="card-title">{a.name}</h3>
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
                </li>
              ))}
            </ul>
          </section>
        )}
      </article>
    </Layout>
  );
}
