import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { robotsTxt, sitemapXml } from './sitemap.ts';

describe('sitemapXml', () => {
  it('writes absolute, escaped, sorted URLs once each, home first, with the latest lastmod', () => {
    const xml = sitemapXml('https://fhiriq.example', [
      { path: '/tools', lastModified: new Date('2026-01-01T00:00:00Z') },
      { path: '/blog/a&b' },
      { path: '/' },
      { path: '/tools', lastModified: new Date('2026-02-01T00:00:00Z') },
    ]);
    expect(XMLValidator.validate(xml)).toBe(true);
    const urls = new XMLParser({ htmlEntities: true }).parse(xml).urlset.url;
    expect(urls).toEqual([
      { loc: 'https://fhiriq.example/' },
      { loc: 'https://fhiriq.example/blog/a&b' },
      { loc: 'https://fhiriq.example/tools', lastmod: '2026-02-01T00:00:00.000Z' },
    ]);
    expect(xml).toContain('<loc>https://fhiriq.example/blog/a&#38;b</loc>');
  });

  it('refuses an entry that is not a path of this site', () => {
    expect(() => sitemapXml('https://fhiriq.example', [{ path: 'https://evil.example/' }])).toThrow();
    expect(() => sitemapXml('https://fhiriq.example', [{ path: '//evil.example/' }])).toThrow();
  });
});

describe('robotsTxt', () => {
  it('points at the sitemap and keeps crawlers out of private areas', () => {
    const txt = robotsTxt('https://fhiriq.example');
    expect(txt).toContain('Sitemap: https://fhiriq.example/sitemap.xml');
    expect(txt).toContain('Disallow: /admin\n');
    expect(txt).not.toMatch(/Disallow: \/\n/);
  });
});
