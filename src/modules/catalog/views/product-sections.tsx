import type { CatalogEntry } from '../domain/catalog-view.ts';
import {
  type CourseModuleDef,
  type CourseSessionDef,
  type FaqDef,
  type InstructorDef,
  outlineHours,
  type ProductPageDef,
  seatsLeft,
} from '../domain/marketing.ts';
import type { ProductPicture } from './product-marketing.ts';

/**
 * The parts of a product page that describe the product rather than sell it: what it does,
 * the screenshots, the documentation link, a course's outline, schedule and instructor, and
 * the questions buyers ask. Data from the catalog's marketing tables (marketing.service.ts).
 */

export interface GalleryImage {
  picture: ProductPicture;
  caption: string;
}

/** How wide a screenshot is drawn: the gallery's columns (at least 18rem) in the container. */
export const GALLERY_SIZES = '(min-width: 72rem) 24rem, (min-width: 40rem) 50vw, 100vw';

export interface SessionView extends CourseSessionDef {
  skuName: string;
  instructor: InstructorDef | null;
}

export interface ProductMarketing {
  page: ProductPageDef | null;
  gallery: GalleryImage[];
  modules: CourseModuleDef[];
  sessions: SessionView[];
  lead: InstructorDef | null;
  faq: FaqDef[];
  jsonLd: Record<string, unknown>[];
}

/** Top of the product's information column: the tagline and what it does. */
export function ProductIntro(props: { marketing: ProductMarketing | undefined }) {
  const page = props.marketing?.page;
  if (!page) return null;
  return (
    <>
      <p class="product-tagline">{page.tagline}</p>
      {page.overview.map((p) => (
        <p>{p}</p>
      ))}
      {page.audience && (
        <p>
          <strong>Who it is for:</strong> {page.audience}
        </p>
      )}
      {page.prerequisites && (
        <p>
          <strong>Before you start:</strong> {page.prerequisites}
        </p>
      )}
    </>
  );
}

const DATE = new Intl.DateTimeFormat('en-US', {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
});
const asDate = (d: string) => new Date(`${d}T12:00:00Z`);

/** `Tue, Jan 12 – Thu, Jan 14, 2027`, from calendar dates (no time zone shift). */
export function dateRange(start: string, end: string): string {
  if (start === end) return DATE.format(asDate(start));
  return DATE.formatRange(asDate(start), asDate(end));
}

/** The zone's short name on that day (`EST`, `GMT`, `CET`; `GMT-5` where Intl has no abbreviation). */
export function zoneName(date: string, time: string, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' }).formatToParts(
    new Date(`${date}T${time}:00Z`),
  );
  return parts.find((p) => p.type === 'timeZoneName')?.value ?? zone;
}

function Highlights(props: { page: ProductPageDef }) {
  if (props.page.highlights.length === 0) return null;
  return (
    <section aria-labelledby="highlights-title">
      <h2 id="highlights-title">What it does</h2>
      <ul class="grid grid-2 highlight-list">
        {props.page.highlights.map((h) => (
          <li class="highlight">
            <h3>{h.title}</h3>
            <p>{h.text}</p>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Gallery(props: { images: GalleryImage[]; name: string }) {
  if (props.images.length === 0) return null;
  // Below the fold: lazy, decoded off the main thread, their space reserved by width and height.
  return (
    <section aria-labelledby="gallery-title">
      <h2 id="gallery-title">Screenshots</h2>
      <ul class="gallery">
        {props.images.map(({ picture, caption }) => (
          <li key={picture.src}>
            <figure>
              <a href={picture.full}>
                <picture>
                  {picture.sources.map((s) => (
                    <source type={s.type} srcset={s.srcset} sizes={GALLERY_SIZES} key={s.type} />
                  ))}
                  <img
                    src={picture.src}
                    srcset={picture.srcset}
                    sizes={GALLERY_SIZES}
                    width={picture.width}
                    height={picture.height}
                    alt={picture.alt}
                    loading="lazy"
                    decoding="async"
                  />
                </picture>
              </a>
              <figcaption>{caption}</figcaption>
            </figure>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Outline(props: { modules: CourseModuleDef[] }) {
  const { modules } = props;
  if (modules.length === 0) return null;
  return (
    <section aria-labelledby="outline-title">
      <h2 id="outline-title">Course outline</h2>
      <p>
        {modules.length} modules, {outlineHours(modules)} hours in all.
      </p>
      <ol class="outline">
        {modules.map((m) => (
          <li>
            <h3>
              {m.title} <span class="outline-hours">{m.hours === 1 ? '1 hour' : `${m.hours} hours`}</span>
            </h3>
            <p>{m.summary}</p>
            {m.topics.length > 0 && (
              <ul class="outline-topics">
                {m.topics.map((t) => (
                  <li>{t}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

function Schedule(props: { sessions: SessionView[]; hasLive: boolean }) {
  if (!props.hasLive) return null;
  return (
    <section aria-labelledby="schedule-title">
      <h2 id="schedule-title">Upcoming live workshops</h2>
      {props.sessions.length === 0 ? (
        <p>
          No dates are scheduled right now. <a href="/contact?topic=training">Ask us</a> about the next one,
          or about a private workshop for your team.
        </p>
      ) : (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1).
        <section class="table-wrap" aria-label="Dates of the live workshops" tabIndex={0}>
          <table class="schedule">
            <thead>
              <tr>
                <th scope="col">Dates</th>
                <th scope="col">Time</th>
                <th scope="col">Instructor</th>
                <th scope="col">Seats</th>
              </tr>
            </thead>
            <tbody>
              {props.sessions.map((s) => {
                const left = seatsLeft(s);
                return (
                  <tr>
                    <th scope="row">
                      {dateRange(s.startsOn, s.endsOn)}
                      <span class="schedule-where">{s.location}</span>
                    </th>
                    <td>
                      {s.dailyStart}–{s.dailyEnd} {zoneName(s.startsOn, s.dailyStart, s.timeZone)}
                      <span class="schedule-where">{s.timeZone.replace(/_/g, ' ')}</span>
                    </td>
                    <td>{s.instructor?.name ?? 'To be announced'}</td>
                    <td>{left === null ? 'Open' : left === 0 ? 'Full' : `${left} of ${s.capacity} left`}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}

function Instructor(props: { lead: InstructorDef | null }) {
  const { lead } = props;
  if (!lead) return null;
  return (
    <section aria-labelledby="instructor-title" class="instructor">
      <h2 id="instructor-title">Your instructor</h2>
      <p class="instructor-name">
        {lead.name}, <span>{lead.role}</span>
      </p>
      <p>{lead.bio}</p>
    </section>
  );
}

function Questions(props: { faq: FaqDef[] }) {
  if (props.faq.length === 0) return null;
  return (
    <section aria-labelledby="product-faq-title">
      <h2 id="product-faq-title">Questions</h2>
      <div class="faq">
        {props.faq.map((q) => (
          <details>
            <summary>{q.question}</summary>
            <p>{q.answer}</p>
          </details>
        ))}
      </div>
    </section>
  );
}

/** Below the buy box: highlights, gallery, outline, schedule, instructor, docs, questions. */
export function ProductSections(props: {
  marketing: ProductMarketing | undefined;
  entries: readonly CatalogEntry[];
  name: string;
}) {
  const m = props.marketing;
  if (!m) return null;
  const hasLive = props.entries.some(
    (e) => e.fulfillment.kind === 'training' && e.fulfillment.format === 'live' && e.perSeat,
  );
  return (
    <div class="product-sections">
      {m.page && <Highlights page={m.page} />}
      <Gallery images={m.gallery} name={props.name} />
      <Outline modules={m.modules} />
      <Schedule sessions={m.sessions} hasLive={hasLive} />
      <Instructor lead={m.lead} />
      {m.page?.docsPath && (
        <section aria-labelledby="docs-title">
          <h2 id="docs-title">Documentation</h2>
          <p>
            Guides, reference and examples for {props.name}:{' '}
            <a href={m.page.docsPath}>read the {props.name} documentation</a>.
          </p>
        </section>
      )}
      <Questions faq={m.faq} />
    </div>
  );
}
