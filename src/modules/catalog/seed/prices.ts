import type { PriceList } from './types.ts';

/**
 * List prices per currency, net of tax, in major units. USD is 002's price
 * list, exactly. EUR, GBP and CAD are list prices of our own (EUR at par,
 * GBP ≈ 0.85 ×, CAD ≈ 1.35 ×, rounded to price points a buyer expects, with
 * annual plans at ten monthly payments as in USD) — not conversions: there
 * are no exchange rates at run time. They are starting values; staff edit
 * prices in the admin API, and the seeder never overwrites an edited price.
 *
 * The three contact-sales items carry "from" prices (002's basePrice /
 * startingPrice), shown as "From …" beside the quote form; they are never sold
 * through the cart.
 */
export const PRICE_LIST: PriceList = {
  'TL-MAPPER-ST-M': { USD: '29', EUR: '29', GBP: '25', CAD: '39' },
  'TL-MAPPER-ST-A': { USD: '290', EUR: '290', GBP: '250', CAD: '390' },
  'TL-MAPPER-PR-M': { USD: '99', EUR: '99', GBP: '85', CAD: '135' },
  'TL-MAPPER-PR-A': { USD: '990', EUR: '990', GBP: '850', CAD: '1350' },
  'TL-QUALITY-ST-M': { USD: '49', EUR: '49', GBP: '42', CAD: '65' },
  'TL-QUALITY-ST-A': { USD: '490', EUR: '490', GBP: '420', CAD: '650' },
  'TL-QUALITY-PR-M': { USD: '199', EUR: '199', GBP: '169', CAD: '269' },
  'TL-QUALITY-PR-A': { USD: '1990', EUR: '1990', GBP: '1690', CAD: '2690' },
  'TL-ANALYTICS-ST-M': { USD: '99', EUR: '99', GBP: '85', CAD: '135' },
  'TL-ANALYTICS-ST-A': { USD: '990', EUR: '990', GBP: '850', CAD: '1350' },
  'TL-ANALYTICS-PR-M': { USD: '399', EUR: '399', GBP: '339', CAD: '539' },
  'TL-ANALYTICS-PR-A': { USD: '3990', EUR: '3990', GBP: '3390', CAD: '5390' },
  'TL-BUILDER-IN-M': { USD: '19', EUR: '19', GBP: '16', CAD: '25' },
  'TL-BUILDER-IN-A': { USD: '190', EUR: '190', GBP: '160', CAD: '250' },
  'TL-BUILDER-PR-M': { USD: '99', EUR: '99', GBP: '85', CAD: '135' },
  'TL-BUILDER-PR-A': { USD: '990', EUR: '990', GBP: '850', CAD: '1350' },
  'TR-FHIR101-SP-P': { USD: '299', EUR: '299', GBP: '249', CAD: '399' },
  'TR-FHIR101-LV-S': { USD: '1499', EUR: '1499', GBP: '1249', CAD: '1999' },
  'TR-USCORE-SP-P': { USD: '499', EUR: '499', GBP: '419', CAD: '669' },
  'TR-USCORE-LV-S': { USD: '1999', EUR: '1999', GBP: '1699', CAD: '2699' },
  'TR-ADVANCED-LV-S': { USD: '2999', EUR: '2999', GBP: '2549', CAD: '3999' },
  'TR-CUSTOM-ORG': { USD: '15000', EUR: '15000', GBP: '12750', CAD: '20250' },
  'CS-BLOCKS-10-B': { USD: '2500', EUR: '2500', GBP: '2125', CAD: '3375' },
  'CS-BLOCKS-25-B': { USD: '5625', EUR: '5625', GBP: '4780', CAD: '7595' },
  'CS-BLOCKS-50-B': { USD: '10000', EUR: '10000', GBP: '8500', CAD: '13500' },
  'CS-ASSESSMENT-F': { USD: '7500', EUR: '7500', GBP: '6375', CAD: '10125' },
  'CS-IMPLEMENTATION-P': { USD: '25000', EUR: '25000', GBP: '21250', CAD: '33750' },
  'BN-STARTER-A': { USD: '999', EUR: '999', GBP: '849', CAD: '1349' },
  'BN-PROFESSIONAL-A': { USD: '4999', EUR: '4999', GBP: '4249', CAD: '6749' },
  'BN-ENTERPRISE-C': { USD: '15000', EUR: '15000', GBP: '12750', CAD: '20250' },
};
