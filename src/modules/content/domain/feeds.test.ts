import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { documentTitle } from '../views/shared.tsx';
import { absolutize, blogAtom, blogRss, duration, podcastRss, xmlEscape } from './feeds.ts';
import { fieldOfPath, formToFrontMatter, frontMatterToForm } from './form-fields.ts';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false });

describe('feeds', () => {
  it('escapes text and drops characters XML cannot carry', () => {
    expect(xmlEscape('a & b <c> "d" \'e\'\u0001\uFFFE')).toBe(
      'a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;',
    );
  });

  it('writes a valid RSS 2.0 blog feed whatever the text', () => {
    const xml = blogRss({
      title: 'Blog & news',
      description: '<Notes>',
      link: 'https://fhiriq.example/blog',
      self: 'https://fhiriq.example/blog/feed.xml',
      language: 'en',
      updated: new Date('2026-06-01T00:00:00Z'),
      items: [
        {
          title: 'Bundles ]]> & <scripts>\u0000',
          link: 'https://fhiriq.example/blog/a',
          description: 'd',
          html: '<p>x</p><script>y</script>',
          published: new Date('2026-03-01T00:00:00Z'),
          author: 'Ada',
          categories: ['fhir'],
        },
      ],
    });
    expect(XMLValidator.validate(xml)).toBe(true);
    const item = parser.parse(xml).rss.channel.item;
    expect(item.title).toBe('Bundles ]]> & <scripts>');
    expect(item.pubDate).toBe('Sun, 01 Mar 2026 00:00:00 GMT');
  });

  it('writes a valid Atom blog feed whatever the text, HTML content escaped', () => {
    const xml = blogAtom({
      title: 'Blog & news',
      description: '<Notes>',
      link: 'https://fhiriq.example/blog',
      self: 'https://fhiriq.example/blog/atom.xml',
      language: 'en',
      updated: new Date('2026-06-01T00:00:00Z'),
      items: [
        {
          title: 'Bundles ]]> & <scripts>\u0000',
          link: 'https://fhiriq.example/blog/a',
          description: 'd',
          html: '<p>x &amp; y</p>',
          published: new Date('2026-03-01T00:00:00Z'),
          author: null,
          categories: ['fhir', 'us-core'],
        },
      ],
    });
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = parser.parse(xml).feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    expect(feed.link.map((l: Record<string, string>) => l['@rel'])).toEqual(['alternate', 'self']);
    expect(feed.updated).toBe('2026-06-01T00:00:00.000Z');
    expect(feed.author.name).toBe('Blog & news');
    expect(feed.entry.title['#text']).toBe('Bundles ]]> & <scripts>');
    expect(feed.entry.id).toBe('https://fhiriq.example/blog/a');
    expect(feed.entry.content['#text']).toBe('<p>x &amp; y</p>');
    expect(feed.entry.category.map((c: Record<string, string>) => c['@term'])).toEqual(['fhir', 'us-core']);
  });

  it('writes a podcast feed with the iTunes tags Apple reads', () => {
    const xml = podcastRss({
      title: 'Show',
      description: 'About FHIR',
      link: 'https://fhiriq.example/podcast',
      self: 'https://fhiriq.example/podcast/feed.xml',
      language: 'en',
      author: 'FHIR IQ',
      email: 'podcast@fhiriq.example',
      category: 'Health & Fitness > Medicine',
      image: 'https://fhiriq.example/media/show.png',
      explicit: false,
      updated: new Date('2026-06-01T00:00:00Z'),
      episodes: [
        {
          guid: 'cnt_1',
          title: 'One',
          link: 'https://fhiriq.example/podcast/one',
          description: 'd',
          html: '<p>x</p>',
          published: new Date('2026-04-01T00:00:00Z'),
          audio: { url: 'https://fhiriq.example/podcast/audio/one.mp3', length: 17846, type: 'audio/mpeg' },
          seconds: 3725,
          episode: 1,
          season: 2,
          explicit: false,
          image: null,
        },
      ],
    });
    expect(XMLValidator.validate(xml)).toBe(true);
    const channel = parser.parse(xml).rss.channel;
    expect(channel['itunes:image']['@href']).toBe('https://fhiriq.example/media/show.png');
    expect(channel['itunes:category']['@text']).toBe('Health & Fitness');
    expect(channel['itunes:category']['itunes:category']['@text']).toBe('Medicine');
    expect(channel['itunes:owner']['itunes:email']).toBe('podcast@fhiriq.example');
    expect(channel['itunes:explicit']).toBe('false');
    expect(channel.item.enclosure).toEqual({
      '@url': 'https://fhiriq.example/podcast/audio/one.mp3',
      '@length': '17846',
      '@type': 'audio/mpeg',
    });
    expect(channel.item['itunes:duration']).toBe('1:02:05');
    expect(channel.item.guid['#text']).toBe('cnt_1');
  });

  it('formats durations and makes site paths absolute', () => {
    expect(duration(59)).toBe('0:59');
    expect(duration(600)).toBe('10:00');
    expect(
      absolutize(
        '<a href="/blog/a">a</a><img src="/media/x" srcset="/media/x 480w, /media/y 800w"><a href="https://o.example/">o</a>',
        'https://s.example',
      ),
    ).toBe(
      '<a href="https://s.example/blog/a">a</a><img src="https://s.example/media/x" srcset="https://s.example/media/x 480w, https://s.example/media/y 800w"><a href="https://o.example/">o</a>',
    );
  });
});

describe('the editor’s front matter fields', () => {
  it('round-trip a case study', () => {
    const fm = {
      date: '2026-02-15',
      client: 'A health system',
      industry: 'Hospitals',
      products: ['TL-MAPPER', 'TR-FHIR101'],
      results: [
        { label: 'Time', value: '6 weeks' },
        { label: 'Mapped', value: '98.7 %' },
      ],
      image: { src: 'images/a.png', alt: 'A' },
    };
    expect(formToFrontMatter('case_study', frontMatterToForm('case_study', fm))).toEqual(fm);
  });

  it('turn fields into typed values, leaving what does not parse for the check to report', () => {
    expect(
      formToFrontMatter('episode', {
        'fm.date': '2026-04-01',
        'fm.episode': '3',
        'fm.season': 'one',
        'fm.duration': '600',
        'fm.audio': 'podcast/audio/a.mp3',
        'fm.guests': 'Grace Hopper | Data architect\n\n',
        'fm.explicit': 'on',
      }),
    ).toEqual({
      date: '2026-04-01',
      episode: 3,
      season: 'one',
      duration: 600,
      audio: 'podcast/audio/a.mp3',
      guests: [{ name: 'Grace Hopper', role: 'Data architect' }],
      tags: [],
      explicit: true,
    });
  });

  it('point an error at its field', () => {
    expect(fieldOfPath('/frontMatter/results/0/value')).toBe('fm.results');
    expect(fieldOfPath('/frontMatter/image/alt')).toBe('fm.image.alt');
    expect(fieldOfPath('/slug')).toBe('slug');
  });
});

describe('document titles', () => {
  it('keep a title that fits, cut a long one before its colon or at a word', () => {
    expect(documentTitle('FHIR R4 basics')).toBe('FHIR R4 basics');
    expect(
      documentTitle('FHIR Bulk Data export in practice: kick-off, polling, NDJSON and group export'),
    ).toBe('FHIR Bulk Data export in practice');
    const cut = documentTitle(
      "A regional health system brings an acquired practice's records into its US Core API",
    );
    expect(cut).toBe("A regional health system brings an acquired practice's…");
    expect(cut.length).toBeLessThanOrEqual(60);
  });
});
