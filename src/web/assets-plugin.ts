import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../platform/errors.ts';
import { type Asset, type AssetManifest, getAssetManifest } from './assets.ts';

export interface AssetsPluginOptions {
  /** Defaults to the process-wide manifest (built here if not yet built). */
  manifest?: AssetManifest;
}

type Encoding = 'br' | 'gzip' | 'identity';

/**
 * Picks the best precompressed variant the client accepts. Honours `q=0`
 * (an explicit refusal) and `*`; brotli wins ties because it is smaller.
 */
export function negotiateEncoding(header: string | undefined, asset: Asset): Encoding {
  if (!header) return 'identity';
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [token = '', ...params] = part.trim().toLowerCase().split(';');
    if (!token) continue;
    let weight = 1;
    for (const p of params) {
      const [k, v] = p.trim().split('=');
      if (k === 'q' && v !== undefined) weight = Number.parseFloat(v) || 0;
    }
    q.set(token, weight);
  }
  const accepts = (enc: string): boolean => (q.get(enc) ?? q.get('*') ?? 0) > 0;
  if (asset.br && accepts('br')) return 'br';
  if (asset.gzip && (accepts('gzip') || accepts('x-gzip'))) return 'gzip';
  return 'identity';
}

const matchesEtag = (ifNoneMatch: string | undefined, etag: string): boolean =>
  (ifNoneMatch ?? '').split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });

// A plain object, not a literal at the call site: `hide` is read by
// @fastify/swagger, which augments FastifySchema only where it is imported.
const routeSchema = {
  hide: true,
  params: {
    type: 'object',
    properties: { file: { type: 'string', minLength: 1, maxLength: 200 } },
    required: ['file'],
    additionalProperties: false,
  },
};

const assets: FastifyPluginAsync<AssetsPluginOptions> = async (app, options) => {
  const manifest = options.manifest ?? getAssetManifest();

  app.get<{ Params: { file: string } }>('/assets/:file', { schema: routeSchema }, async (request, reply) => {
    const asset = manifest.byFile.get(request.params.file);
    if (!asset) throw new AppError('NOT_FOUND');

    const encoding = negotiateEncoding(request.headers['accept-encoding'], asset);
    const body = encoding === 'br' ? asset.br : encoding === 'gzip' ? asset.gzip : asset.body;
    // Each representation needs its own strong ETag, or a cache could pair
    // a 304 for the brotli body with a stored gzip one.
    const etag = encoding === 'identity' ? asset.etag : `${asset.etag.slice(0, -1)}-${encoding}"`;

    reply
      .header('Cache-Control', 'public, max-age=31536000, immutable')
      .header('ETag', etag)
      .header('X-Content-Type-Options', 'nosniff')
      .type(asset.contentType);
    if (asset.br || asset.gzip) reply.header('Vary', 'Accept-Encoding');

    if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send();
    if (encoding !== 'identity') reply.header('Content-Encoding', encoding);
    return reply.send(body);
  });
};

/** Serves the fingerprinted assets under `/assets/`, forever-cacheable. */
export const assetsPlugin = fp(assets, { name: 'fhiriq-web-assets', fastify: '5.x' });
