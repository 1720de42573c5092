import { renderToString } from 'preact-render-to-string';
import type { ResponsiveImage } from './images.ts';

export interface PictureProps {
  image: ResponsiveImage;
  /** The `sizes` attribute: how wide the image is drawn, e.g. `(min-width: 48rem) 44rem, 100vw`. */
  sizes: string;
  /**
   * The page's largest image above the fold (its LCP element): loaded at once with high priority.
   * Every other image waits until it nears the viewport (`loading="lazy"`).
   */
  priority?: boolean;
  class?: string;
}

/**
 * A responsive image: AVIF and WebP sources with width descriptors, a PNG/JPEG fallback, and the
 * intrinsic width and height so the browser reserves the space before a byte arrives (no layout
 * shift; CSS scales it with `height: auto`). Decoding is asynchronous so it never blocks a frame.
 */
export function Picture(props: PictureProps) {
  const { image, sizes } = props;
  return (
    <picture class={props.class ? `content-picture ${props.class}` : 'content-picture'}>
      {image.sources.map((s) => (
        <source type={s.type} srcset={s.srcset} sizes={sizes} key={s.type} />
      ))}
      <img
        class="content-image"
        src={image.src}
        srcset={image.srcset}
        sizes={sizes}
        width={image.width}
        height={image.height}
        alt={image.alt}
        loading={props.priority ? undefined : 'lazy'}
        fetchpriority={props.priority ? 'high' : undefined}
        decoding="async"
      />
    </picture>
  );
}

/** The same markup as a string, for images inside Markdown bodies (sanitized with the body afterwards). */
export function pictureHtml(image: ResponsiveImage, sizes: string): string {
  return renderToString(<Picture image={image} sizes={sizes} />);
}

/**
 * The Layout's `preloadImage` for a page whose LCP element is this picture (rendered with
 * `priority` and the same `sizes`): its best format, which the browser picks when it can.
 */
export function picturePreload(
  image: ResponsiveImage,
  sizes: string,
): { type: string; srcset: string; sizes: string } | undefined {
  const best = image.sources[0];
  return best ? { type: best.type, srcset: best.srcset, sizes } : undefined;
}
