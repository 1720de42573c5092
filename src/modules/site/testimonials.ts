import type { Testimonial } from '../../web/index.ts';

/**
 * What customers tell us, shortened for the home page. Attributed to a role and the kind of
 * organisation, never to a named person: we do not publish customers' names without a
 * signed release.
 */
export const TESTIMONIALS: Testimonial[] = [
  {
    quote:
      'We mapped three years of registry extracts to US Core in six weeks, and the records the mapper set aside were exactly the ones our clinicians needed to look at.',
    attribution: 'Director of clinical data, a regional health system in the US Midwest',
  },
  {
    quote:
      'The data quality scores gave our partners and us the same numbers to talk about. Conformance went from the seventies to the high nineties in a quarter.',
    attribution: 'Interoperability product lead, a health plan serving two million members',
  },
  {
    quote:
      'After the three-day workshop our engineers stopped arguing about FHIR and started shipping. The labs used data that looked like ours.',
    attribution: 'VP of engineering, a digital health start-up',
  },
];
