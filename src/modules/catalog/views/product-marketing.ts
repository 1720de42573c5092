import type { CatalogEntry } from '../domain/catalog-view.ts';
import { courseJsonLd, productJsonLd } from '../domain/json-ld.ts';
import { type FaqTopic, isoDate, type MarketingData, upcomingSessions } from '../domain/marketing.ts';
import type { ProductDef } from '../domain/types.ts';
import type { GalleryImage, ProductMarketing } from './product-sections.tsx';

/** Where an image of content/ is served (`images/tools/x.png` → URL), or undefined when it is not there. */
export type ImageUrl = (src: string) => string | undefined;

const FAQ_OF: Partial<Record<string, FaqTopic>> = { course: 'training', service: 'consulting' };

/** Everything a product page shows besides prices, from the catalog's marketing data. Pure. */
export function productMarketing(input: {
  product: ProductDef;
  entries: readonly CatalogEntry[];
  data: MarketingData;
  now: Date;
  siteUrl: string;
  imageUrl: ImageUrl;
}): ProductMarketing {
  const { product, entries, data, siteUrl } = input;
  const url = new URL(`/products/${product.slug}`, siteUrl).href;
  const page = data.pages.find((p) => p.productKey === product.key) ?? null;
  const instructors = new Map(data.instructors.map((i) => [i.key, i]));
  const lead = page?.instructorKey ? (instructors.get(page.instructorKey) ?? null) : null;
  const gallery: GalleryImage[] = [];
  for (const s of page?.screenshots ?? []) {
    const src = input.imageUrl(s.src);
    if (src) gallery.push({ url: src, width: s.width, height: s.height, alt: s.alt, caption: s.caption });
  }
  const modules = data.modules.filter((m) => m.productKey === product.key);
  const skus = new Set(entries.map((e) => e.sku));
  const names = new Map(entries.map((e) => [e.sku, e.name]));
  const upcoming = upcomingSessions(data.sessions, skus, isoDate(input.now));
  const sessions = upcoming.map((s) => ({
    ...s,
    skuName: names.get(s.sku) ?? s.sku,
    instructor: s.instructorKey ? (instructors.get(s.instructorKey) ?? null) : lead,
  }));
  const topic = FAQ_OF[product.kind];
  const faq = topic ? data.faq.filter((f) => f.topic === topic) : [];
  const images = gallery.map((g) => new URL(g.url, siteUrl).href);
  const jsonLd =
    product.kind === 'course'
      ? courseJsonLd({ product, entries, url, siteUrl, modules, sessions: upcoming, instructors, lead })
      : productJsonLd({ product, entries, url, siteUrl, images });
  return { page, gallery, modules, sessions, lead, faq, jsonLd: [jsonLd] };
}
