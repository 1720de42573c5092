import { describe, expect, it } from 'vitest';
import { checkFrontMatter, normalizeYaml, slugProblem } from './front-matter.ts';
import { checkItem, fromFileFrontMatter } from './item.ts';

const post = { date: '2026-03-01', author: 'ada', tags: ['fhir', 'us-core'] };

describe('front matter per kind', () => {
  it('accepts a post, a case study, an episode, the show, a docs page, a page and an author', () => {
    expect(checkFrontMatter('post', { ...post, image: { src: 'images/blog/a.png', alt: 'A' } }).ok).toBe(
      true,
    );
    expect(
      checkFrontMatter('case_study', {
        date: '2026-02-01',
        client: 'A regional health system',
        industry: 'Hospitals',
        products: ['TL-MAPPER'],
        results: [{ label: 'Time', value: '6 weeks' }],
      }).ok,
    ).toBe(true);
    expect(
      checkFrontMatter('episode', {
        date: '2026-04-01',
        episode: 1,
        season: 1,
        duration: 754,
        audio: 'podcast/audio/bulk-data.mp3',
        explicit: false,
      }).ok,
    ).toBe(true);
    expect(
      checkFrontMatter('show', {
        author: 'FHIR IQ',
        email: 'podcast@fhiriq.example',
        category: 'Technology',
        image: { src: 'images/podcast/show.png', alt: 'Cover' },
        language: 'en',
      }).ok,
    ).toBe(true);
    expect(checkFrontMatter('doc', { order: 2 }).ok).toBe(true);
    expect(checkFrontMatter('page', { values: [{ title: 'Open', text: 'We say what we do.' }] }).ok).toBe(
      true,
    );
    expect(checkFrontMatter('author', { links: [{ label: 'Site', href: 'https://example.org' }] }).ok).toBe(
      true,
    );
  });

  it('reads YAML dates (Date objects) as YYYY-MM-DD', () => {
    const result = checkFrontMatter('post', { ...post, date: new Date('2026-03-01T00:00:00Z') });
    expect(result.ok && result.fields.date).toBe('2026-03-01');
    expect(normalizeYaml({ a: [new Date('2026-01-02T00:00:00Z')] })).toEqual({ a: ['2026-01-02'] });
  });

  it.each([
    ['a missing author', { date: '2026-03-01', tags: [] }, '/frontMatter'],
    ['a bad date', { ...post, date: '1 March' }, '/frontMatter/date'],
    ['an uppercase tag', { ...post, tags: ['FHIR'] }, '/frontMatter/tags/0'],
    ['an unknown field', { ...post, draft: true }, '/frontMatter'],
    ['an image without alt text', { ...post, image: { src: 'images/a.png' } }, '/frontMatter/image'],
    [
      'an image outside images/',
      { ...post, image: { src: '../secret.png', alt: 'x' } },
      '/frontMatter/image/src',
    ],
    ['an SVG image', { ...post, image: { src: 'images/a.svg', alt: 'x' } }, '/frontMatter/image/src'],
  ])('refuses a post with %s, naming the field', (_name, fm, path) => {
    const result = checkFrontMatter('post', fm);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toContain(path);
  });

  it('refuses an episode whose audio is not an MP3 under podcast/audio/, or whose numbers are not numbers', () => {
    const base = { date: '2026-04-01', episode: 1, season: 1, duration: 60, explicit: false };
    expect(checkFrontMatter('episode', { ...base, audio: 'podcast/audio/x.wav' }).ok).toBe(false);
    expect(checkFrontMatter('episode', { ...base, audio: '/etc/passwd' }).ok).toBe(false);
    expect(checkFrontMatter('episode', { ...base, episode: '1', audio: 'podcast/audio/x.mp3' }).ok).toBe(
      false,
    );
  });

  it('refuses an author link that is not http(s) or mailto', () => {
    expect(checkFrontMatter('author', { links: [{ label: 'x', href: 'javascript:alert(1)' }] }).ok).toBe(
      false,
    );
  });
});

describe('items', () => {
  it('checks slugs per kind: docs pages are <tool>/<page>', () => {
    expect(slugProblem('post', 'fhir-r4-basics')).toBeNull();
    expect(slugProblem('post', 'FHIR')).not.toBeNull();
    expect(slugProblem('post', 'a--b')).not.toBeNull();
    expect(slugProblem('post', 'a/b')).not.toBeNull();
    expect(slugProblem('doc', 'mapper-to-fhir/index')).toBeNull();
    expect(slugProblem('doc', 'mapper-to-fhir')).not.toBeNull();
  });

  it('reports front matter problems apart from the other fields', () => {
    const bad = checkItem({
      kind: 'post',
      slug: 'x',
      title: 'T',
      description: 'd',
      frontMatter: {},
      body: '',
    });
    expect(bad.ok === false && bad.frontMatter).toBe(true);
    const long = checkItem({
      kind: 'post',
      slug: 'x',
      title: 'T',
      description: 'd'.repeat(161),
      frontMatter: post,
      body: '',
    });
    expect(long.ok === false && !long.frontMatter && long.problems[0]?.path).toBe('/description');
  });

  it('reads an author file’s name and role as its title and description', () => {
    expect(fromFileFrontMatter('author', { name: 'Ada', role: 'Engineer', links: [] })).toEqual({
      title: 'Ada',
      description: 'Engineer',
      rest: { links: [] },
    });
  });
});
