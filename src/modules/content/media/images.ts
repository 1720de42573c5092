import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { newId } from '../../../platform/ids.ts';
import { IMAGE_SRC_PATTERN } from '../domain/front-matter.ts';

/**
 * Responsive images. A source is a PNG or JPEG under content/ (`images/…`) or an image staff
 * uploaded (`uploads/med_….png`, bytes in the database). Variants — AVIF, WebP and a PNG or JPEG
 * fallback at 480/800/1200/1600 px, never wider than the source — are made by sharp on the first
 * request for each one and kept under DATA_DIR/content-media, named by a hash of the source bytes
 * and the encoder settings, so their URLs can be cached for a year (`immutable`): new bytes are a
 * new URL. Encoding costs 30–250 ms of CPU a variant (AVIF at 1600 px the most), too much for a
 * page's first visitor to wait for (its LCP image) and for every start or test to pay: `serve`
 * prepares the variants browsers fetch (`prepare`) in the background once it listens, one at a
 * time, and the files stay for the next start; anything else is still made on first request.
 */

export const WIDTHS = [480, 800, 1200, 1600] as const;
/** Open Graph cards are 1200 px wide. */
export const OG_WIDTH = 1200;
/** Bump when the encoder settings change: every variant URL changes with it. */
const PIPELINE = 'v1 avif q50 e2; webp q75; jpeg q78 mozjpeg; png c9';
const MAX_PIXELS = 60_000_000;

type Format = 'png' | 'jpeg' | 'webp';
type VariantExt = 'avif' | 'webp' | 'jpg' | 'png';

export interface ImageInfo {
  src: string;
  /** First 16 hex digits of SHA-256 over the pipeline version and the bytes. */
  hash: string;
  width: number;
  height: number;
  format: Format;
  hasAlpha: boolean;
}

export interface ResponsiveImage {
  alt: string;
  /** Intrinsic size (the aspect ratio the page reserves before the image arrives). */
  width: number;
  height: number;
  /** The fallback format: `src` and `srcset` of the `<img>`. */
  src: string;
  srcset: string;
  /** Better formats first: AVIF, then WebP. */
  sources: { type: string; srcset: string }[];
}

export interface UploadedImage {
  sha256: string;
  width: number;
  height: number;
  contentType: string;
  data(): Promise<Buffer | undefined>;
}

export interface ImageLibraryOptions {
  contentDir: string;
  cacheDir: string;
  /** An upload by id (`med_…`), or undefined. */
  upload(id: string): Promise<UploadedImage | undefined>;
}

const CONTENT_TYPES: Record<VariantExt, string> = {
  avif: 'image/avif',
  webp: 'image/webp',
  jpg: 'image/jpeg',
  png: 'image/png',
};
const SRC = new RegExp(IMAGE_SRC_PATTERN);
const VARIANT = /^(.+)\/([0-9a-f]{16})-(\d{1,5})\.(avif|webp|jpg|png)$/;

export const isImageSrc = (src: string): boolean => SRC.test(src) && !src.split('/').includes('..');

/** The widths a source is offered at: the standard ones below its width, and its own width up to 1600. */
export function widthsFor(sourceWidth: number): number[] {
  const below = WIDTHS.filter((w) => w < sourceWidth);
  return sourceWidth >= 1600 ? [...WIDTHS] : [...below, sourceWidth];
}

const fallbackExt = (info: ImageInfo): VariantExt =>
  info.format === 'png' || (info.format === 'webp' && info.hasAlpha) ? 'png' : 'jpg';

export function variantUrl(info: ImageInfo, width: number, ext: VariantExt): string {
  return `/media/${info.src}/${info.hash}-${width}.${ext}`;
}

/** The `<picture>` data of a source: srcsets per format, the fallback `src` at about 800 px. */
export function responsive(info: ImageInfo, alt: string): ResponsiveImage {
  const widths = widthsFor(info.width);
  const set = (ext: VariantExt) => widths.map((w) => `${variantUrl(info, w, ext)} ${w}w`).join(', ');
  const fallback = fallbackExt(info);
  const srcWidth = [...widths].reverse().find((w) => w <= 800) ?? widths[0]!;
  return {
    alt,
    width: info.width,
    height: info.height,
    src: variantUrl(info, srcWidth, fallback),
    srcset: set(fallback),
    sources: [
      { type: 'image/avif', srcset: set('avif') },
      { type: 'image/webp', srcset: set('webp') },
    ],
  };
}

export class ImageLibrary {
  readonly #infos = new Map<string, { stamp: string; info: ImageInfo }>();
  readonly #making = new Map<string, Promise<string>>();

  constructor(private readonly options: ImageLibraryOptions) {}

  /** The file under content/ a source names, or null when it would leave content/. */
  filePath(src: string): string | null {
    if (!isImageSrc(src) || !src.startsWith('images/')) return null;
    const root = path.resolve(this.options.contentDir);
    const full = path.resolve(root, src);
    return full.startsWith(`${root}${path.sep}`) ? full : null;
  }

  /** What a source is (size, format, hash), or null when it does not exist or is not an image. */
  async info(src: string): Promise<ImageInfo | null> {
    if (!isImageSrc(src)) return null;
    if (src.startsWith('uploads/')) return this.#uploadInfo(src);
    const file = this.filePath(src);
    if (!file) return null;
    const stat = await fs.promises.stat(file).catch(() => null);
    if (!stat?.isFile()) return null;
    const stamp = `${stat.mtimeMs}:${stat.size}`;
    const hit = this.#infos.get(src);
    if (hit?.stamp === stamp) return hit.info;
    const bytes = await fs.promises.readFile(file);
    const info = await describe(src, bytes);
    if (info) this.#infos.set(src, { stamp, info });
    return info;
  }

  async image(src: string, alt: string): Promise<ResponsiveImage | null> {
    const info = await this.info(src);
    return info ? responsive(info, alt) : null;
  }

  /** A JPEG or PNG about 1200 px wide, for Open Graph and Twitter cards. */
  async card(
    src: string,
    alt: string,
  ): Promise<{ url: string; width: number; height: number; alt: string } | null> {
    const info = await this.info(src);
    if (!info) return null;
    const width = Math.min(OG_WIDTH, info.width);
    return {
      url: variantUrl(info, width, fallbackExt(info)),
      width,
      height: Math.round((info.height * width) / info.width),
      alt,
    };
  }

  /** The source at its own size and format (the podcast's 3000 px cover, as Apple wants it). */
  async original(src: string): Promise<string | null> {
    const info = await this.info(src);
    return info
      ? variantUrl(info, info.width, info.format === 'jpeg' ? 'jpg' : (info.format as VariantExt))
      : null;
  }

  /**
   * Makes, one after the other, the variants of a source that browsers fetch: AVIF at every
   * offered width (every current browser decodes it: WebP and the PNG/JPEG fallback are left to
   * the first request) and the social card. Returns how many it had to encode; 0 for an unknown
   * source.
   */
  async prepare(src: string): Promise<number> {
    const info = await this.info(src);
    if (!info) return 0;
    const wanted: [number, VariantExt][] = [
      ...widthsFor(info.width).map((w): [number, VariantExt] => [w, 'avif']),
      [Math.min(OG_WIDTH, info.width), fallbackExt(info)],
    ];
    let made = 0;
    for (const [width, ext] of wanted) {
      if (fs.existsSync(path.join(this.options.cacheDir, `${info.hash}-${width}.${ext}`))) continue;
      await this.#make(info, width, ext);
      made++;
    }
    return made;
  }

  /**
   * The file of a variant URL (the part after `/media/`), made now if needed; null when the URL
   * names no current source, a stale hash or a width that is not offered.
   */
  async variant(urlPath: string): Promise<{ file: string; contentType: string; size: number } | null> {
    const m = VARIANT.exec(urlPath);
    if (!m) return null;
    const [, src, hash, widthText, ext] = m as unknown as [string, string, string, string, VariantExt];
    const info = await this.info(src);
    const width = Number(widthText);
    if (!info || info.hash !== hash) return null;
    const offered = new Set([...widthsFor(info.width), Math.min(OG_WIDTH, info.width), info.width]);
    if (!offered.has(width)) return null;
    const file = await this.#make(info, width, ext);
    const stat = await fs.promises.stat(file);
    return { file, contentType: CONTENT_TYPES[ext], size: stat.size };
  }

  #make(info: ImageInfo, width: number, ext: VariantExt): Promise<string> {
    const name = `${info.hash}-${width}.${ext}`;
    const file = path.join(this.options.cacheDir, name);
    // Concurrent first requests for one variant share one encoding.
    let making = this.#making.get(name);
    if (making) return making;
    making = (async () => {
      if (fs.existsSync(file)) return file;
      const bytes = await this.#bytes(info.src);
      if (!bytes) throw new Error(`image source vanished: ${info.src}`);
      const out = await encode(bytes, info, width, ext);
      await fs.promises.mkdir(this.options.cacheDir, { recursive: true });
      // Written aside and renamed: a reader never sees half a file, two processes never clash.
      const tmp = path.join(this.options.cacheDir, `.${name}.${newId('tmp')}`);
      await fs.promises.writeFile(tmp, out);
      await fs.promises.rename(tmp, file);
      return file;
    })().finally(() => this.#making.delete(name));
    this.#making.set(name, making);
    return making;
  }

  async #bytes(src: string): Promise<Buffer | undefined> {
    if (src.startsWith('uploads/')) return (await this.options.upload(uploadId(src)))?.data();
    const file = this.filePath(src);
    return file ? fs.promises.readFile(file) : undefined;
  }

  async #uploadInfo(src: string): Promise<ImageInfo | null> {
    const hit = this.#infos.get(src);
    if (hit) return hit.info;
    const upload = await this.options.upload(uploadId(src));
    if (!upload) return null;
    const format = upload.contentType.replace('image/', '') as Format;
    const info: ImageInfo = {
      src,
      hash: hashOf(upload.sha256),
      width: upload.width,
      height: upload.height,
      format,
      // Only decides the fallback format of a WebP upload; PNG keeps PNG anyway.
      hasAlpha: format === 'webp',
    };
    // An upload never changes (a new file is a new id).
    this.#infos.set(src, { stamp: 'upload', info });
    return info;
  }
}

const uploadId = (src: string): string => src.slice('uploads/'.length).replace(/\.[a-z]+$/, '');
const hashOf = (bytesDigest: string): string =>
  createHash('sha256').update(PIPELINE).update(bytesDigest).digest('hex').slice(0, 16);

/** Size, format and hash of an image's bytes; null when sharp cannot read it or it is not PNG/JPEG/WebP. */
export async function describe(src: string, bytes: Buffer): Promise<ImageInfo | null> {
  try {
    const meta = await sharp(bytes, { limitInputPixels: MAX_PIXELS }).metadata();
    const format =
      meta.format === 'jpeg' || meta.format === 'png' || meta.format === 'webp' ? meta.format : null;
    if (!format || !meta.width || !meta.height) return null;
    // EXIF orientations 5–8 turn the picture a quarter: the displayed size swaps.
    const turned = (meta.orientation ?? 1) >= 5;
    return {
      src,
      hash: hashOf(createHash('sha256').update(bytes).digest('hex')),
      width: turned ? meta.height : meta.width,
      height: turned ? meta.width : meta.height,
      format,
      hasAlpha: meta.hasAlpha ?? false,
    };
  } catch {
    return null;
  }
}

async function encode(bytes: Buffer, info: ImageInfo, width: number, ext: VariantExt): Promise<Buffer> {
  const sameFormat = (ext === 'jpg' && info.format === 'jpeg') || ext === info.format;
  // A file of ours at its own size and format is served as it is (no second lossy encoding);
  // uploads are always re-encoded, which drops whatever metadata (EXIF, GPS) the camera wrote.
  if (width === info.width && sameFormat && info.src.startsWith('images/')) return bytes;
  // rotate(): applies the EXIF orientation; sharp drops metadata (EXIF, GPS) from the output.
  const image = sharp(bytes, { limitInputPixels: MAX_PIXELS })
    .rotate()
    .resize({ width, withoutEnlargement: true });
  switch (ext) {
    case 'avif':
      return image.avif({ quality: 50, effort: 2 }).toBuffer();
    case 'webp':
      return image.webp({ quality: 75 }).toBuffer();
    case 'jpg':
      return image.flatten({ background: '#ffffff' }).jpeg({ quality: 78, mozjpeg: true }).toBuffer();
    case 'png':
      return image.png({ compressionLevel: 9 }).toBuffer();
  }
}
