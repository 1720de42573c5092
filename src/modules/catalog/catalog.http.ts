import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { QuoteRow } from './catalog.tables.ts';
import type { PriceRow, SkuDef } from './domain/types.ts';

/** HTTP helpers shared by the catalog's JSON routes and pages. */

export const CACHE_CONTROL = 'public, max-age=60';

/**
 * Sets the ETag (the catalog version plus what was asked for) and the cache
 * header; answers 304 when the client already has this representation.
 * Returns true when it answered.
 */
export function notModified(request: FastifyRequest, reply: FastifyReply, version: number): boolean {
  const variant = createHash('sha256').update(request.url).digest('base64url').slice(0, 16);
  const etag = `"catalog-${version}-${variant}"`;
  reply.header('etag', etag).header('cache-control', CACHE_CONTROL);
  const given = request.headers['if-none-match'];
  if (!given) return false;
  const tags = given.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!tags.includes(etag) && !tags.includes('*')) return false;
  reply.code(304).send();
  return true;
}

export { staffOf } from '../audit/index.ts';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export const priceJson = (p: PriceRow) => ({
  id: p.id,
  sku: p.sku,
  currency: p.currency,
  amount: p.amount,
  status: p.status,
  createdAt: iso(p.createdAt)!,
  archivedAt: iso(p.archivedAt),
});

export const skuAdminJson = (sku: SkuDef, prices: PriceRow[]) => ({
  sku: sku.code,
  name: sku.name,
  status: sku.status,
  purchase: sku.purchase,
  limits: sku.fulfillment.kind === 'license' ? sku.fulfillment.limits : null,
  prices: prices.map(priceJson),
});

export const quoteJson = (q: QuoteRow) => ({
  id: q.id,
  sku: q.sku,
  name: q.name,
  email: q.email,
  organization: q.organization,
  message: q.message,
  status: q.status,
  createdAt: iso(q.created_at)!,
  statusNote: q.status_note,
  statusChangedAt: iso(q.status_changed_at),
  statusChangedBy: q.status_changed_by,
});
