import { type Secrets, safeEqual } from '../../platform/crypto/secrets.ts';

/**
 * The guest's link to an order confirmation (`/orders/<id>/confirmation?token=…`). It is a
 * capability (whoever has it sees the order, billing address included), sent in redirects and
 * Stripe's success URL and so kept in browser histories: it carries its expiry, signed with the
 * order id, so an old link stops showing the order. The owner, signed in, sees it anyway.
 */

export const CONFIRMATION_LINK_DAYS = 30;

const PURPOSE = 'order-confirmation';
const DAY_MS = 24 * 3600 * 1000;

/** `<expiry, unix seconds>.<keyed hash of id and expiry>`. */
export function confirmationToken(secrets: Secrets, orderId: string, now: Date): string {
  const exp = Math.floor((now.getTime() + CONFIRMATION_LINK_DAYS * DAY_MS) / 1000);
  return `${exp}.${secrets.keyedHash(PURPOSE, `${orderId}.${exp}`)}`;
}

export type TokenCheck = 'valid' | 'expired' | 'invalid';

export function checkConfirmationToken(
  secrets: Secrets,
  order: { id: string; createdAt: Date },
  token: string,
  now: Date,
): TokenCheck {
  const orderId = order.id;
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) {
    // Links issued before they carried an expiry (a bare hash of the id, e.g. in a Stripe
    // Checkout Session opened before an upgrade) are no older than their order: they last 30
    // days from the order's creation.
    if (!safeEqual(token, secrets.keyedHash(PURPOSE, orderId))) return 'invalid';
    return new Date(order.createdAt).getTime() + CONFIRMATION_LINK_DAYS * DAY_MS > now.getTime()
      ? 'valid'
      : 'expired';
  }
  const exp = Number(m[1]);
  if (!safeEqual(m[2]!, secrets.keyedHash(PURPOSE, `${orderId}.${exp}`))) return 'invalid';
  return exp * 1000 > now.getTime() ? 'valid' : 'expired';
}
