import type { CatalogEntry } from '../domain/catalog-view.ts';
import { courseJsonLd, productJsonLd } from '../domain/json-ld.ts';
import { type FaqTopic, isoDate, type MarketingData, upcomingSessions } from '../domain/marketing.ts';
import type { ProductDef } from '../domain/types.ts';
import type { GalleryImage, ProductMarketing } from './product-sections.tsx';

/**
 * A picture of the site's images (content/`images/tools/x.png`) as a responsive image: what a
 * `<picture>` needs (AVIF and WebP sources and a PNG/JPEG fallback, each with width
 * descriptors, and the intrinsic size), the full-size image and a social card.
 */
export interface ProductPicture {
  alt: string;
  width: number;
  height: number;
  /** The fallback format: `src` and `srcset` of the `<img>`. */
  src: string;
  srcset: string;
  /** Better formats first. */
  sources: { type: string; srcset: string }[];
  /** The image at its own size (the gallery links to it). */
  full: string;
  /** A PNG or JPEG about 1200 px wide for Open Graph and Twitter cards. */
  card: { url: string; width: number; height: number };
}

/**
 * Port: the site's images as the product pages use them. The content module's image pipeline
 * implements it (wired in modules/index.ts): the catalog does not depend on content.
 */
export interface ProductImages {
  /** The picture of an image source, or null when there is no such image. */
  picture(src: string, alt: string): Promise<ProductPicture | null>;
  /** Makes a source's files ahead of its first visitor (`fhiriq serve`'s warm-up); how many were made. */
  prepare(src: string): Promise<number>;
}

/** The pictures of a product page's screenshots, by source (missing images are left out). */
export async function screenshotPictures(
  page: { screenshots: readonly { src: string; alt: string }[] } | null,
  images: ProductImages,
): Promise<Map<string, ProductPicture>> {
  const found = await Promise.all(
    (page?.screenshots ?? []).map(async (s) => [s.src, await images.picture(s.src, s.alt)] as const),
  );
  return new Map(found.flatMap(([src, picture]) => (picture ? [[src, picture] as const] : [])));
}

const FAQ_OF: Partial<Record<string, FaqTopic>> = { course: 'training', service: 'consulting' };

/** Everything a product page shows besides prices, from the catalog's marketing data. Pure. */
export function productMarketing(input: {
  product: ProductDef;
  entries: readonly CatalogEntry[];
  data: MarketingData;
  now: Date;
  siteUrl: string;
  /** The screenshots' pictures by source (screenshotPictures): one without is not shown. */
  pictures: ReadonlyMap<string, ProductPicture>;
}): ProductMarketing {
  const { product, entries, data, siteUrl } = input;
  const url = new URL(`/products/${product.slug}`, siteUrl).href;
  const page = data.pages.find((p) => p.productKey === product.key) ?? null;
  const instructors = new Map(data.instructors.map((i) => [i.key, i]));
  const lead = page?.instructorKey ? (instructors.get(page.instructorKey) ?? null) : null;
  const gallery: GalleryImage[] = [];
  for (const s of page?.screenshots ?? []) {
    const picture = input.pictures.get(s.src);
    if (picture) gallery.push({ picture: { ...picture, alt: s.alt }, caption: s.caption });
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
  const images = gallery.map((g) => new URL(g.picture.card.url, siteUrl).href);
  const jsonLd =
    product.kind === 'course'
      ? courseJsonLd({ product, entries, url, siteUrl, modules, sessions: upcoming, instructors, lead })
      : productJsonLd({ product, entries, url, siteUrl, images });
  return { page, gallery, modules, sessions, lead, faq, jsonLd: [jsonLd] };
}
