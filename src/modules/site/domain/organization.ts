/**
 * schema.org data of the home page: the Organization (name, logo, contact point) and the
 * WebSite. Pure: URLs come in absolute.
 */
export function organizationJsonLd(siteUrl: string, logoUrl: string): Record<string, unknown>[] {
  const url = new URL('/', siteUrl).href;
  return [
    {
      '@context': 'https://schema.org',
      '@type': 'Organization',
      '@id': `${url}#organization`,
      name: 'FHIR IQ',
      url,
      logo: logoUrl,
      description:
        'FHIR R4 software tools, training and consulting that help healthcare organisations exchange and use clinical data.',
      knowsAbout: [
        'HL7 FHIR',
        'US Core',
        'SMART on FHIR',
        'Bulk Data',
        'SQL on FHIR',
        'Healthcare interoperability',
      ],
      contactPoint: {
        '@type': 'ContactPoint',
        contactType: 'sales',
        url: new URL('/contact', siteUrl).href,
        availableLanguage: ['en'],
      },
    },
    {
      '@context': 'https://schema.org',
      '@type': 'WebSite',
      name: 'FHIR IQ',
      url,
      publisher: { '@id': `${url}#organization` },
    },
  ];
}
