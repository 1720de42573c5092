import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderToString } from 'preact-render-to-string';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../test-support.ts';
import { ImageLibrary, responsive, widthsFor } from './images.ts';
import { Picture } from './picture.tsx';
import { safeMediaName, sniffImage } from './upload.ts';

const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fhiriq-media-'));
afterAll(() => fs.rmSync(cacheDir, { recursive: true, force: true }));
const library = new ImageLibrary({ contentDir: FIXTURES, cacheDir, upload: async () => undefined });

describe('responsive images', () => {
  it('offers the standard widths below the source’s, and never enlarges', () => {
    expect(widthsFor(3000)).toEqual([480, 800, 1200, 1600]);
    expect(widthsFor(1600)).toEqual([480, 800, 1200, 1600]);
    expect(widthsFor(960)).toEqual([480, 800, 960]);
    expect(widthsFor(300)).toEqual([300]);
  });

  it('describes a source: size, format and a content hash', async () => {
    const info = await library.info('images/blog/fhir-r4.png');
    expect(info).toMatchObject({ width: 960, height: 540, format: 'png' });
    expect(info?.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(await library.info('images/blog/missing.png')).toBeNull();
    expect(await library.info('images/../../../etc/passwd.png')).toBeNull();
    expect(await library.info('../README.md')).toBeNull();
  });

  it('renders <picture> with AVIF and WebP srcsets, the fallback, its size, lazy and async', async () => {
    const image = await library.image('images/blog/us-core.jpg', 'US Core "cover"');
    const html = renderToString(<Picture image={image!} sizes="100vw" />);
    const hash = (await library.info('images/blog/us-core.jpg'))!.hash;
    expect(html).toContain(
      `<source type="image/avif" srcset="/media/images/blog/us-core.jpg/${hash}-480.avif 480w, `,
    );
    expect(html).toContain('<source type="image/webp"');
    expect(html).toContain(`src="/media/images/blog/us-core.jpg/${hash}-800.jpg"`);
    expect(html).toContain('width="960" height="540"');
    expect(html).toContain('alt="US Core &quot;cover&quot;"');
    expect(html).toContain('loading="lazy"');
    expect(html).toContain('decoding="async"');
    expect(html).not.toContain('fetchpriority');
    const lcp = renderToString(<Picture image={image!} sizes="100vw" priority />);
    expect(lcp).not.toContain('loading=');
    expect(lcp).toContain('fetchpriority="high"');
  });

  it('makes a variant on the first request and serves the stored file after', async () => {
    const info = (await library.info('images/blog/fhir-r4.png'))!;
    const url = responsive(info, 'x').sources[0]!.srcset.split(' ')[0]!.replace('/media/', '');
    const before = process.cpuUsage();
    const first = await library.variant(url);
    const made = process.cpuUsage(before);
    expect(first?.contentType).toBe('image/avif');
    const meta = await sharp(fs.readFileSync(first!.file)).metadata();
    expect(meta).toMatchObject({ width: 480, height: 270 });
    const again = process.cpuUsage();
    expect(await library.variant(url)).toEqual(first);
    const served = process.cpuUsage(again);
    // Made once (encoding), then only looked up: far cheaper.
    expect(served.user + served.system).toBeLessThan(made.user + made.system);
  });

  it('refuses variants it does not offer: a stale hash, another width, another source', async () => {
    const info = (await library.info('images/blog/fhir-r4.png'))!;
    expect(await library.variant(`images/blog/fhir-r4.png/0000000000000000-480.webp`)).toBeNull();
    expect(await library.variant(`images/blog/fhir-r4.png/${info.hash}-481.webp`)).toBeNull();
    expect(await library.variant(`images/blog/fhir-r4.png/${info.hash}-2000.webp`)).toBeNull();
    expect(await library.variant(`images/../secret.png/${info.hash}-480.webp`)).toBeNull();
    expect(await library.variant('nothing')).toBeNull();
  });

  it('serves a source of ours at its own size and format as it is', async () => {
    const url = (await library.original('images/podcast/show.png'))!;
    const variant = await library.variant(url.replace('/media/', ''));
    expect(
      fs.readFileSync(variant!.file).equals(fs.readFileSync(path.join(FIXTURES, 'images/podcast/show.png'))),
    ).toBe(true);
  });
});

describe('preparing variants ahead of the first request', () => {
  it('makes the AVIF variants and the social card once, then finds them made', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fhiriq-media-prep-'));
    try {
      const lib = new ImageLibrary({ contentDir: FIXTURES, cacheDir: dir, upload: async () => undefined });
      const hash = (await lib.info('images/blog/fhir-r4.png'))!.hash;
      // 960 px wide: AVIF at 480, 800 and 960, and the card at its own width.
      expect(await lib.prepare('images/blog/fhir-r4.png')).toBe(4);
      expect(fs.readdirSync(dir).sort()).toEqual(
        [`${hash}-480.avif`, `${hash}-800.avif`, `${hash}-960.avif`, `${hash}-960.png`].sort(),
      );
      expect((await sharp(path.join(dir, `${hash}-800.avif`)).metadata()).width).toBe(800);
      expect(await lib.prepare('images/blog/fhir-r4.png')).toBe(0);
      expect(await lib.prepare('images/blog/missing.png')).toBe(0);
      // What a request then asks for is the prepared file.
      expect((await lib.variant(`images/blog/fhir-r4.png/${hash}-800.avif`))?.file).toBe(
        path.join(dir, `${hash}-800.avif`),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('uploads', () => {
  it('recognises PNG, JPEG and WebP by their bytes only', async () => {
    const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#fff' } })
      .png()
      .toBuffer();
    const jpeg = await sharp(png).jpeg().toBuffer();
    const webp = await sharp(png).webp().toBuffer();
    expect(sniffImage(png)).toBe('image/png');
    expect(sniffImage(jpeg)).toBe('image/jpeg');
    expect(sniffImage(webp)).toBe('image/webp');
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImage(Buffer.from('GIF89a'))).toBeNull();
  });

  it('keeps only safe characters of a file name', () => {
    expect(safeMediaName('../../My Photo (1).PNG')).toBe('My-Photo-1-.PNG');
    expect(safeMediaName('...')).toBe('image');
  });
});
