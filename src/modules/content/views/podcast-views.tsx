import { Layout, type PageChrome } from '../../../web/index.ts';
import { duration } from '../domain/feeds.ts';
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
  PreviewBanner,
  Prose,
  ShareLinks,
} from './shared.tsx';

export interface ShowView {
  title: string;
  description: string;
  html: string;
  image: ResponsiveImage | null;
  /** The square cover at full size, absolute (feeds and JSON-LD). */
  coverUrl: string | null;
}

export interface EpisodeCard {
  slug: string;
  title: string;
  description: string;
  date: string;
  episode: number;
  season: number;
  seconds: number;
  audioUrl: string;
}

const FEEDS = [{ href: '/podcast/feed.xml', title: 'FHIR IQ podcast', type: 'application/rss+xml' as const }];
const SHOW_TITLE = 'Podcast';

const minutes = (seconds: number) => `${Math.max(1, Math.round(seconds / 60))} min`;

/** The browser's own player: no script, and nothing downloads until the visitor presses play. */
export function Player(props: { src: string; title: string }) {
  return (
    <figure class="player">
      {/* biome-ignore lint/a11y/useMediaCaption: audio only; its text alternative is the transcript on the episode page (WCAG 1.2.1). */}
      <audio controls preload="none" src={props.src} aria-label={`Listen: ${props.title}`}>
        <a href={props.src}>Download the episode (MP3)</a>
      </audio>
      <figcaption>
        <a href={props.src}>Download the MP3</a>
      </figcaption>
    </figure>
  );
}

function seriesJsonLd(siteUrl: string, show: ShowView): Record<string, unknown> {
  return {
    '@context': 'https://schema.org',
    '@type': 'PodcastSeries',
    name: show.title,
    description: show.description,
    url: absolute(siteUrl, '/podcast'),
    webFeed: absolute(siteUrl, '/podcast/feed.xml'),
    ...(show.coverUrl ? { image: show.coverUrl } : {}),
  };
}

const SHOW_COVER_SIZES = '(min-width: 48rem) 12rem, 40vw';

export interface PodcastPageProps extends PageChrome {
  show: ShowView | null;
  episodes: EpisodeCard[];
}

export function PodcastPage(props: PodcastPageProps) {
  const siteUrl = props.siteUrl ?? '';
  const title = props.show?.title ?? SHOW_TITLE;
  return (
    <Layout
      {...props}
      title={title}
      description={props.show?.description.slice(0, 300) ?? 'The FHIR IQ podcast.'}
      canonicalPath="/podcast"
      currentPath="/podcast"
      feeds={FEEDS}
      jsonLd={props.show ? [seriesJsonLd(siteUrl, props.show)] : []}
      systemFonts
      preloadImage={props.show?.image ? picturePreload(props.show.image, SHOW_COVER_SIZES) : undefined}
    >
      <div class="container content-page">
        <div class="show-header">
          {props.show?.image && (
            <Picture image={props.show.image} sizes={SHOW_COVER_SIZES} priority class="show-cover" />
          )}
          <PageHeader title={title}>
            {props.show && <Prose html={props.show.html} />}
            <p class="content-header-links">
              <a href="/podcast/feed.xml">Subscribe with the RSS feed</a>
            </p>
          </PageHeader>
        </div>
        <h2>Episodes</h2>
        {props.episodes.length === 0 && <p>No episodes yet.</p>}
        <ol class="episode-list" reversed>
          {props.episodes.map((e) => (
            <li class="card episode-card" key={e.slug}>
              <h3 class="card-title">
                <a href={`/podcast/${e.slug}`}>{e.title}</a>
              </h3>
              <p class="post-meta">
                Season {e.season}, episode {e.episode} · <DateText iso={e.date} /> · {minutes(e.seconds)}
              </p>
              <p>{e.description}</p>
              <Player src={e.audioUrl} title={e.title} />
            </li>
          ))}
        </ol>
      </div>
    </Layout>
  );
}

export interface EpisodePageProps extends PageChrome {
  show: ShowView | null;
  episode: EpisodeCard;
  guests: { name: string; role: string }[];
  html: string;
  transcriptHtml: string | null;
  card: { url: string; width: number; height: number; alt: string } | null;
  preview?: string | null;
}

export function EpisodePage(props: EpisodePageProps) {
  const siteUrl = props.siteUrl ?? '';
  const e = props.episode;
  const path = `/podcast/${e.slug}`;
  const url = absolute(siteUrl, path);
  const trail: Crumb[] = [
    { href: '/', label: 'Home' },
    { href: '/podcast', label: props.show?.title ?? SHOW_TITLE },
    { href: path, label: e.title },
  ];
  const episode: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': 'PodcastEpisode',
    name: e.title,
    description: e.description,
    datePublished: e.date,
    episodeNumber: e.episode,
    url,
    timeRequired: `PT${Math.floor(e.seconds / 60)}M${e.seconds % 60}S`,
    associatedMedia: {
      '@type': 'MediaObject',
      contentUrl: absolute(siteUrl, e.audioUrl),
      encodingFormat: 'audio/mpeg',
    },
    ...(props.show ? { partOfSeries: seriesJsonLd(siteUrl, props.show) } : {}),
  };
  return (
    <Layout
      systemFonts
      {...props}
      title={documentTitle(e.title)}
      description={e.description}
      canonicalPath={path}
      currentPath={path}
      og={{ type: 'article', ...(props.card ? { image: props.card } : {}) }}
      jsonLd={[episode, breadcrumbJsonLd(siteUrl, trail)]}
      feeds={FEEDS}
      robots={props.preview ? 'noindex, nofollow' : undefined}
    >
      {props.preview && <PreviewBanner status={props.preview} />}
      <article class="container content-page episode">
        <Breadcrumbs trail={trail} />
        <header class="content-header">
          <h1>{e.title}</h1>
          <p class="post-meta">
            Season {e.season}, episode {e.episode} · <DateText iso={e.date} /> · {duration(e.seconds)}
          </p>
        </header>
        <Player src={e.audioUrl} title={e.title} />
        {props.guests.length > 0 && (
          <p class="guests">
            With{' '}
            {props.guests.map((g, i) => (
              <span key={g.name}>
                {i > 0 && (i === props.guests.length - 1 ? ' and ' : ', ')}
                <strong>{g.name}</strong> ({g.role})
              </span>
            ))}
          </p>
        )}
        <section aria-labelledby="show-notes">
          <h2 id="show-notes">Show notes</h2>
          <Prose html={props.html} />
        </section>
        {props.transcriptHtml !== null && (
          <section aria-labelledby="transcript" class="transcript">
            <h2 id="transcript">Transcript</h2>
            <Prose html={props.transcriptHtml} />
          </section>
        )}
        <ShareLinks url={url} title={e.title} />
      </article>
    </Layout>
  );
}
