import type { Currency } from '../../../platform/money.ts';
import type { CatalogView } from '../domain/catalog-view.ts';
import { faqJsonLd } from '../domain/json-ld.ts';
import { type MarketingData, outlineHours, upcomingSessions } from '../domain/marketing.ts';
import { ConsultingSections, FaqSection } from './listing-sections.tsx';
import type { ListingPageProps } from './listing-views.tsx';
import { dateRange } from './product-sections.tsx';

/**
 * What the training and consulting listings add to their product cards: a course's modules,
 * hours and next live date; how a consulting engagement runs; each page's questions (also as
 * FAQPage data). `today` is `YYYY-MM-DD`.
 */
export function listingExtras(
  category: string,
  view: CatalogView,
  data: MarketingData,
  currency: Currency,
  today: string,
): Pick<ListingPageProps, 'notes' | 'children' | 'jsonLd'> {
  const faqOf = (topic: string) => data.faq.filter((f) => f.topic === topic);
  if (category === 'TR') {
    const notes: Record<string, string> = {};
    for (const product of view.productsOf('TR')) {
      const modules = data.modules.filter((m) => m.productKey === product.key);
      const skus = new Set(view.skusOf(product.key).map((e) => e.sku));
      const next = upcomingSessions(data.sessions, skus, today)[0];
      const parts = [
        modules.length > 0 ? `${modules.length} modules, ${outlineHours(modules)} hours` : '',
        next ? `next live workshop ${dateRange(next.startsOn, next.endsOn)}` : '',
      ].filter(Boolean);
      if (parts.length > 0) notes[product.slug] = `${parts.join('; ')}.`;
    }
    const faq = faqOf('training');
    return {
      notes,
      children: <FaqSection faq={faq} id="training-faq-title" />,
      jsonLd: faq.length > 0 ? [faqJsonLd(faq)] : [],
    };
  }
  if (category === 'CS') {
    const faq = faqOf('consulting');
    const assessment = data.pages.find((p) => p.productKey === 'CS-ASSESSMENT') ?? null;
    return {
      children: (
        <>
          <ConsultingSections blocks={view.skusOf('CS-BLOCKS')} assessment={assessment} currency={currency} />
          <FaqSection faq={faq} id="consulting-faq-title" />
        </>
      ),
      jsonLd: faq.length > 0 ? [faqJsonLd(faq)] : [],
    };
  }
  return {};
}
