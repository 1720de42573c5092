import { describe, expect, it } from 'vitest';
import { assetUrl } from './assets.ts';
import { FormField } from './components.tsx';
import { ariaCurrent, Layout, type LayoutProps } from './layout.tsx';
import { renderErrorPage } from './pages/error-page.tsx';
import { HomePage } from './pages/home-page.tsx';
import { renderPage } from './render.ts';

const page = (props: Partial<LayoutProps> = {}): string =>
  renderPage(
    <Layout title="Pricing" currentPath="/pricing" {...props}>
      <h1>Body</h1>
    </Layout>,
  );

/** What the CSP (script-src 'self'; style-src 'self') would block. */
function expectCspSafe(html: string): void {
  // Only real tags: escaped text such as `&lt;img onerror=…>` is harmless.
  const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
  expect(tags.length).toBeGreaterThan(0);
  for (const tag of tags) {
    // Scripts load from /assets; JSON-LD data blocks are never executed.
    expect(tag).not.toMatch(/^<script(?![^>]*\ssrc="\/assets\/)(?![^>]*\stype="application\/ld\+json")/i);
    expect(tag).not.toMatch(/^<style[\s>]/i);
    expect(tag).not.toMatch(/\sstyle=/i);
    expect(tag).not.toMatch(/\son[a-z]+=/i);
    // Every resource comes from this origin: no third-party host, ever.
    expect(tag).not.toMatch(/\s(src|href)="(https?:)?\/\//i);
  }
}

describe('Layout', () => {
  it('renders a document with landmarks, skip link and head metadata', () => {
    const html = page({ description: 'Plans and prices', canonicalPath: '/pricing' });
    expect(html.startsWith('<!doctype html><html lang="en">')).toBe(true);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1"/>');
    expect(html).toContain('<meta name="description" content="Plans and prices"/>');
    expect(html).toContain('<meta name="theme-color" content="#F97316"/>');
    expect(html).toContain('<link rel="canonical" href="/pricing"/>');
    expect(html).toContain('<title>Pricing · FHIR IQ</title>');
    expect(html).toMatch(/<a class="skip-link" href="#main">Skip to main content<\/a>/);
    expect(html).toMatch(/<header class="site-header">/);
    expect(html).toMatch(/<nav aria-label="Main"/);
    expect(html).toMatch(/<main id="main" tabindex="-1">/);
    expect(html).toMatch(/<footer class="site-footer">/);
    expect(html).toContain(`<link rel="stylesheet" href="${assetUrl('site.css')}"/>`);
    expect(html).toContain(
      `<link rel="preload" href="${assetUrl('inter-var.woff2')}" as="font" type="font/woff2" crossorigin="anonymous"/>`,
    );
    expectCspSafe(html);
  });

  it('describes the page to social networks and search engines', () => {
    const html = page({
      description: 'Plans and prices',
      canonicalPath: '/pricing',
      siteUrl: 'https://fhiriq.example',
      og: { type: 'article', image: { url: '/media/card.png', width: 1200, height: 630, alt: 'A card' } },
      robots: 'noindex',
      feeds: [{ href: '/blog/feed.xml', title: 'FHIR IQ blog', type: 'application/rss+xml' }],
    });
    expect(html).toContain('<meta property="og:type" content="article"/>');
    expect(html).toContain('<meta property="og:title" content="Pricing"/>');
    expect(html).toContain('<meta property="og:url" content="https://fhiriq.example/pricing"/>');
    expect(html).toContain('<meta property="og:image" content="https://fhiriq.example/media/card.png"/>');
    expect(html).toContain('<meta name="twitter:card" content="summary_large_image"/>');
    expect(html).toContain('<meta name="robots" content="noindex"/>');
    expect(html).toContain(
      '<link rel="alternate" type="application/rss+xml" title="FHIR IQ blog" href="/blog/feed.xml"/>',
    );
    // Without an image of its own a page shows the site's card (src/web/social-card.png).
    const plain = page({ siteUrl: 'https://fhiriq.example' });
    expect(plain).toContain('<meta name="twitter:card" content="summary_large_image"/>');
    expect(plain).toMatch(
      /<meta property="og:image" content="https:\/\/fhiriq\.example\/assets\/social-card\.[0-9a-f]{8}\.png"\/>/,
    );
    expect(plain).toContain('<meta property="og:image:width" content="1200"/>');
  });

  it('embeds JSON-LD as inert data that cannot close its script element', () => {
    const html = page({
      jsonLd: [{ '@context': 'https://schema.org', '@type': 'Thing', name: '</script><b>x & y' }],
    });
    const block = html.match(/<script type="application\/ld\+json">(.*?)<\/script>/)?.[1] ?? '';
    expect(block).not.toContain('<');
    expect(JSON.parse(block)).toEqual({
      '@context': 'https://schema.org',
      '@type': 'Thing',
      name: '</script><b>x & y',
    });
    expectCspSafe(html);
  });

  it('makes the canonical URL absolute when the site URL is known', () => {
    expect(page({ canonicalPath: '/pricing', siteUrl: 'https://fhiriq.example' })).toContain(
      '<link rel="canonical" href="https://fhiriq.example/pricing"/>',
    );
  });

  it('links every main section and marks the current one', () => {
    const html = page();
    for (const href of [
      '/',
      '/tools',
      '/training',
      '/consulting',
      '/pricing',
      '/blog',
      '/about',
      '/contact',
    ]) {
      expect(html).toContain(`href="${href}"`);
    }
    expect(html).toContain('<a href="/pricing" aria-current="page">Pricing</a>');
    expect(html.match(/aria-current=/g)).toHaveLength(1);
    expect(ariaCurrent('/blog', '/blog/sql-on-fhir')).toBe('true');
    expect(ariaCurrent('/', '/blog')).toBeUndefined();
    expect(ariaCurrent('/pricing', '/pricing?plan=team')).toBe('page');
  });

  it('offers sign in and sign up when signed out', () => {
    const html = page({ user: null });
    expect(html).toContain('href="/sign-in"');
    expect(html).toContain('href="/sign-up"');
    expect(html).not.toContain('/sign-out');
    expect(html).not.toContain('href="/account"');
  });

  it('offers account and a CSRF-protected sign-out form when signed in', () => {
    const html = page({
      user: { name: 'Ada', email: 'ada@example.com', isStaff: false },
      csrfToken: 'tok-123',
    });
    expect(html).toContain('href="/account"');
    expect(html).not.toContain('href="/admin"');
    expect(html).not.toContain('href="/sign-in"');
    expect(html).toMatch(
      /<form method="post" action="\/sign-out"[^>]*><input type="hidden" name="_csrf" value="tok-123"\/><button type="submit"[^>]*>Sign out<\/button><\/form>/,
    );
  });

  it('shows Admin to staff only', () => {
    const html = page({ user: { name: 'Grace', email: 'g@example.com', isStaff: true }, csrfToken: 't' });
    expect(html).toContain('href="/admin"');
  });

  it('escapes the title and flash text', () => {
    const html = page({
      title: '<script>alert(1)</script>',
      flash: { kind: 'error', text: '<img src=x onerror=alert(1)>' },
    });
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script>alert(1)&lt;/script>');
    expect(html).toContain('role="alert"');
    expect(html).not.toContain('<img src=x');
    expectCspSafe(html);
  });

  it('loads islands only as external modules from /assets', () => {
    const html = page({ islands: ['password-toggle.js'] });
    expect(html).toContain(
      `<script type="module" src="${assetUrl('password-toggle.js')}" fetchpriority="low"></script>`,
    );
    expectCspSafe(html);
  });
});

describe('FormField', () => {
  it('wires hint and error to the input and never echoes a password', () => {
    const html = renderPage(
      <FormField
        name="password"
        label="Password"
        type="password"
        value="hunter2"
        autocomplete="current-password"
        required
        minLength={12}
        hint="At least 12 characters."
        error="Enter your password."
        reveal
      />,
    );
    expect(html).toContain('<label for="field-password">Password</label>');
    expect(html).toContain('aria-describedby="field-password-hint field-password-error"');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('id="field-password-error"');
    expect(html).toContain('class="form-error"');
    expect(html).toContain('autocomplete="current-password"');
    expect(html).toContain('minlength="12"');
    expect(html).toContain('data-reveal');
    expect(html).not.toContain('hunter2');
  });

  it('keeps a valid optional field free of error wiring', () => {
    const html = renderPage(<FormField name="company" label="Company" value={'"><b>x'} />);
    expect(html).not.toContain('aria-invalid');
    expect(html).not.toContain('aria-describedby');
    expect(html).toContain('(optional)');
    expect(html).toContain('value="&quot;>&lt;b>x"');
  });
});

describe('pages', () => {
  it('renders the home page with the tools it is given, testimonials and calls to action', () => {
    const tools = ['Mapper to FHIR', 'FHIR Analytics'].map((name, i) => ({
      slug: `tool-${i}`,
      name,
      summary: `What ${name} does.`,
      points: ['One point'],
      from: i === 0 ? 'From $29 per month' : null,
    }));
    const testimonials = [{ quote: 'It works.', attribution: 'CTO, a health-tech company' }];
    const html = renderPage(<HomePage user={null} tools={tools} testimonials={testimonials} />);
    expect(html).toContain('Two tools for every step of a FHIR project');
    for (const tool of tools) {
      expect(html).toContain(tool.name);
      expect(html).toContain(`href="/products/${tool.slug}"`);
    }
    expect(html).toContain('From $29 per month');
    expect(html).toContain('<figcaption>CTO, a health-tech company</figcaption>');
    expect(html).toContain('href="/pricing"');
    expect(html).toContain('href="/contact"');
    expect(html).toContain('href="/training"');
    expect(html).toContain('href="/consulting"');
    expect(html).toContain('href="/blog"');
    expect(html).toContain('<a href="/" aria-current="page">Home</a>');
    expect(html.match(/<h1[\s>]/g)).toHaveLength(1);
    expectCspSafe(html);
  });

  it('renders a friendly 404 with the request id and a way home', () => {
    const html = renderErrorPage({
      status: 404,
      code: 'NOT_FOUND',
      message: 'Not found.',
      requestId: 'req-42',
    });
    expect(html).toContain('We could not find that page');
    expect(html).toContain('req-42');
    expect(html).toContain('href="/"');
    expect(html).toContain('href="/sign-in"');
    expectCspSafe(html);
  });

  it('renders a 500 without the internal message', () => {
    const html = renderErrorPage({
      status: 500,
      code: 'INTERNAL',
      message: 'TypeError: x is undefined at /srv/app.ts:12',
      requestId: 'req-43',
    });
    expect(html).toContain('Something went wrong');
    expect(html).not.toContain('TypeError');
    expect(html).not.toContain('/srv/app.ts');
    expect(html).toContain('req-43');
  });
});
