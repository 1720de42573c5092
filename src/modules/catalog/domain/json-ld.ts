import { CURRENCIES, type Currency, MINOR_DIGITS } from '../../../platform/money.ts';
import type { CatalogEntry } from './catalog-view.ts';
import {
  type CourseModuleDef,
  type CourseSessionDef,
  type FaqDef,
  type InstructorDef,
  outlineHours,
  seatsLeft,
  zonedDateTime,
} from './marketing.ts';
import type { ProductDef } from './types.ts';

/**
 * schema.org data for the catalog's pages (rendered by the layout as JSON-LD): Product with
 * an Offer per buyable SKU and currency, Course with its live instances, FAQPage. Pure: URLs
 * come in absolute.
 */

type Json = Record<string, unknown>;

const SCHEMA = 'https://schema.org';
export const ORGANIZATION_NAME = 'FHIR IQ';

/** `29.00` for 2900 USD cents: schema.org wants a decimal price, never a float. */
export function decimalPrice(minor: number, currency: Currency): string {
  const digits = MINOR_DIGITS[currency];
  const s = String(Math.abs(minor)).padStart(digits + 1, '0');
  return `${minor < 0 ? '-' : ''}${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

const provider = (siteUrl: string): Json => ({
  '@type': 'Organization',
  name: ORGANIZATION_NAME,
  url: siteUrl,
});

/** One Offer per buyable SKU and currency; contact-sales items have no price anyone can pay. */
export function offersOf(entries: readonly CatalogEntry[], productUrl: string, siteUrl: string): Json[] {
  const offers: Json[] = [];
  for (const e of entries) {
    if (e.purchase !== 'buyable') continue;
    for (const currency of CURRENCIES) {
      const amount = e.prices[currency];
      if (amount === undefined) continue;
      const url = new URL(productUrl);
      if (e.edition) url.searchParams.set('edition', e.edition.code);
      if (e.term) url.searchParams.set('term', e.term.code);
      if (currency !== 'USD') url.searchParams.set('currency', currency);
      const price = decimalPrice(amount, currency);
      const offer: Json = {
        '@type': 'Offer',
        name: e.name,
        sku: e.sku,
        price,
        priceCurrency: currency,
        availability: `${SCHEMA}/InStock`,
        url: url.href,
        seller: provider(siteUrl),
      };
      if (e.interval) {
        // UN/CEFACT units: MON a month, ANN a year.
        offer.priceSpecification = {
          '@type': 'UnitPriceSpecification',
          price,
          priceCurrency: currency,
          referenceQuantity: {
            '@type': 'QuantitativeValue',
            value: 1,
            unitCode: e.interval === 'month' ? 'MON' : 'ANN',
          },
        };
      }
      offers.push(offer);
    }
  }
  return offers;
}

export function productJsonLd(input: {
  product: ProductDef;
  entries: readonly CatalogEntry[];
  url: string;
  siteUrl: string;
  images: readonly string[];
}): Json {
  const data: Json = {
    '@context': SCHEMA,
    '@type': 'Product',
    name: input.product.name,
    description: input.product.description,
    url: input.url,
    brand: { '@type': 'Brand', name: ORGANIZATION_NAME },
    category:
      input.product.kind === 'tool' ? 'Software' : input.product.kind === 'service' ? 'Consulting' : 'Bundle',
    offers: offersOf(input.entries, input.url, input.siteUrl),
  };
  if (input.images.length > 0) data.image = [...input.images];
  return data;
}

const person = (i: InstructorDef): Json => ({
  '@type': 'Person',
  name: i.name,
  jobTitle: i.role,
  description: i.bio,
});

export function courseJsonLd(input: {
  product: ProductDef;
  entries: readonly CatalogEntry[];
  url: string;
  siteUrl: string;
  modules: readonly CourseModuleDef[];
  sessions: readonly CourseSessionDef[];
  instructors: ReadonlyMap<string, InstructorDef>;
  lead: InstructorDef | null;
}): Json {
  const { entries, modules } = input;
  const instances: Json[] = [];
  const selfPaced = entries.find(
    (e) => e.fulfillment.kind === 'training' && e.fulfillment.format === 'self_paced',
  );
  if (selfPaced?.fulfillment.kind === 'training' && selfPaced.fulfillment.hours) {
    instances.push({
      '@type': 'CourseInstance',
      name: selfPaced.name,
      courseMode: 'Online',
      courseWorkload: `PT${selfPaced.fulfillment.hours}H`,
    });
  }
  for (const s of input.sessions) {
    const teacher = s.instructorKey ? input.instructors.get(s.instructorKey) : input.lead;
    const left = seatsLeft(s);
    const instance: Json = {
      '@type': 'CourseInstance',
      name: entries.find((e) => e.sku === s.sku)?.name ?? input.product.name,
      courseMode: 'Online',
      startDate: zonedDateTime(s.startsOn, s.dailyStart, s.timeZone),
      endDate: zonedDateTime(s.endsOn, s.dailyEnd, s.timeZone),
      location: { '@type': 'VirtualLocation', url: input.url },
      eventStatus: `${SCHEMA}/EventScheduled`,
      courseSchedule: {
        '@type': 'Schedule',
        startDate: s.startsOn,
        endDate: s.endsOn,
        startTime: s.dailyStart,
        endTime: s.dailyEnd,
        repeatFrequency: 'P1D',
        scheduleTimezone: s.timeZone,
      },
    };
    if (teacher) instance.instructor = [person(teacher)];
    if (left !== null) instance.maximumAttendeeCapacity = s.capacity;
    if (left !== null) instance.remainingAttendeeCapacity = left;
    instances.push(instance);
  }
  const data: Json = {
    '@context': SCHEMA,
    '@type': 'Course',
    name: input.product.name,
    description: input.product.description,
    url: input.url,
    provider: provider(input.siteUrl),
    offers: offersOf(entries, input.url, input.siteUrl).map((o) => ({ ...o, category: 'Paid' })),
    hasCourseInstance: instances,
  };
  if (modules.length > 0) {
    data.timeRequired = `PT${outlineHours(modules)}H`;
    data.syllabusSections = modules.map((m) => ({
      '@type': 'Syllabus',
      name: m.title,
      description: m.summary,
      timeRequired: `PT${m.hours}H`,
    }));
  }
  if (input.lead) data.instructor = [person(input.lead)];
  return data;
}

export function faqJsonLd(faq: readonly Pick<FaqDef, 'question' | 'answer'>[]): Json {
  return {
    '@context': SCHEMA,
    '@type': 'FAQPage',
    mainEntity: faq.map((q) => ({
      '@type': 'Question',
      name: q.question,
      acceptedAnswer: { '@type': 'Answer', text: q.answer },
    })),
  };
}
