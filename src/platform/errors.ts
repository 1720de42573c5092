/**
 * The error catalog: every code the platform can answer with, its HTTP status
 * and what it means. Code throws `AppError(code)`; the HTTP error mapper
 * (platform/http/error-mapper.ts) is the only place that turns errors into
 * responses. A test checks that every code thrown in src/ is listed here and
 * documented in docs/errors.md.
 */
export const ERROR_CATALOG = {
  VALIDATION_FAILED: {
    status: 400,
    message: 'The request is not valid.',
    description:
      'A field is missing, has the wrong type or format, or an unknown field was sent. `details` lists each problem.',
  },
  MALFORMED_JSON: {
    status: 400,
    message: 'The request body is not valid JSON.',
    description: 'The body could not be parsed as JSON.',
  },
  UNAUTHENTICATED: {
    status: 401,
    message: 'You need to sign in.',
    description: 'No valid session cookie or API token came with the request.',
  },
  INVALID_CREDENTIALS: {
    status: 401,
    message: 'The email or password is not correct.',
    description: 'Sign-in failed. The same answer is given whether or not the email is registered.',
  },
  FORBIDDEN: {
    status: 403,
    message: 'You are not allowed to do that.',
    description: 'The caller is signed in but lacks the permission the route requires.',
  },
  CSRF_INVALID: {
    status: 403,
    message: 'The form has expired. Reload the page and try again.',
    description: 'A state-changing browser request came without a valid CSRF token.',
  },
  EMAIL_NOT_VERIFIED: {
    status: 403,
    message: 'Verify your email address first: we sent you a link.',
    description: 'The account exists but its email address has not been verified yet.',
  },
  PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    message: 'Choose a new password first.',
    description:
      'The account signed in with a one-time password (e.g. the first admin). Until it sets its own password only the change-password route, the session route and sign-out answer.',
  },
  NOT_FOUND: {
    status: 404,
    message: 'Not found.',
    description: 'No route or resource matches, or the caller may not know it exists.',
  },
  METHOD_NOT_ALLOWED: {
    status: 405,
    message: 'This method is not allowed here.',
    description: 'The route exists but not for this HTTP method.',
  },
  CONFLICT: {
    status: 409,
    message: 'That conflicts with existing data.',
    description: 'A unique value is already taken, or the resource changed meanwhile.',
  },
  SKU_NOT_FOUND: {
    status: 404,
    message: 'No such product in the catalog.',
    description:
      'The SKU code is well formed but names no active item of the catalog (a malformed code is `VALIDATION_FAILED`).',
  },
  CATALOG_INVALID: {
    status: 422,
    message: 'This change would leave the catalog inconsistent; nothing was changed.',
    description:
      'A staff edit of the catalog would introduce an error-level issue (e.g. a buyable SKU without a USD price, a bundle of items that cannot be bought). `details` lists each issue.',
  },
  TOKEN_INVALID: {
    status: 400,
    message: 'This link is invalid or has expired.',
    description: 'A verification, password-reset or invitation token is unknown, used or expired.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    message: 'The request body is too large.',
    description: 'The body exceeds `BODY_LIMIT_BYTES`.',
  },
  URI_TOO_LONG: {
    status: 414,
    message: 'The address is too long.',
    description: 'A path segment is longer than the server accepts (200 characters).',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    message: 'This content type is not supported.',
    description:
      'JSON routes accept `application/json`; forms also accept `application/x-www-form-urlencoded`.',
  },
  RATE_LIMITED: {
    status: 429,
    message: 'Too many requests. Try again later.',
    description: 'A rate limit was hit. The `Retry-After` header says how many seconds to wait.',
  },
  UNKNOWN_SKU: {
    status: 400,
    message: 'The request names a SKU that cannot be bought in this currency.',
    description:
      'A tax quote (or another commerce request) lists a SKU that is not in the catalog, not buyable, or has no price in the requested currency. `details` names each such item (`/items/<index>/sku`).',
  },
  VAT_ID_INVALID: {
    status: 400,
    message: 'The VAT ID is not valid.',
    description:
      'The VAT ID is malformed (wrong prefix, format or check digit for its member state), is not from the billing country, or the EU VIES registry reported it as not registered. The message gives the reason.',
  },
  REGION_REQUIRED: {
    status: 400,
    message: 'A province or state is required for this country.',
    description:
      'Tax depends on the region in this country (Canada: GST/HST by province), and `customer.region` is missing or not a known code.',
  },
  TAX_RATE_MISSING: {
    status: 500,
    message: 'No tax rate is configured for this sale. Staff have been alerted.',
    description:
      "Tax is due in the customer's jurisdiction but no rate row is in force on the order's date (a rate was removed or a period left uncovered). Staff must add the rate; nothing is quoted at 0 % by guess.",
  },
  TAX_RATE_INVALID: {
    status: 400,
    message: 'This tax rate cannot be added; nothing was changed.',
    description:
      'A staff-added tax rate has an unknown country, a region or kind its jurisdiction does not have, a rate outside 0–100 % (at most 4 decimals), a malformed date, a start before today (past sales keep their rates) or an end not after its start. `details` names each field.',
  },
  TAX_RATE_OVERLAP: {
    status: 409,
    message:
      'This tax rate overlaps a period already scheduled for the same jurisdiction; nothing was changed.',
    description:
      'A new rate may only supersede the period in force on its start day (which then ends there). It overlaps another period of the same country and region — one starting on or after its start, or a second one in force — that staff must look at first. `details` lists the periods.',
  },
  QUOTE_STATUS_CONFLICT: {
    status: 409,
    message: 'The quote request cannot move to that status from its current one.',
    description:
      'Quote requests move new → contacted → won or lost (new may go straight to won or lost; won and lost are final). The request is already in the asked status, in a final one, or changed meanwhile. The message names both statuses.',
  },
  CONTACT_FORM_INVALID: {
    status: 400,
    message: 'This form has expired. Please send it again.',
    description:
      'A contact form post without a valid form stamp: the signed timestamp the page puts in the form is missing, altered, or more than a day old. The page is shown again with a fresh stamp and the values entered. Nothing was stored or sent.',
  },
  CONTACT_TOO_FAST: {
    status: 400,
    message: 'That was quicker than anyone can type. Please check your message and send it again.',
    description:
      'A contact form sent less than 3 seconds after the page was rendered: what scripts do, not people. The page is shown again with the values entered. Nothing was stored or sent.',
  },
  CONTACT_RATE_LIMITED: {
    status: 429,
    message: 'We already have several messages from this address. We will answer them soon.',
    description:
      'More than 3 contact messages from one email address within an hour (the per-address limit, besides the per-client-address `RATE_LIMITED`). `Retry-After` says when another is accepted. Nothing was stored or sent.',
  },
  LEAD_STATUS_CONFLICT: {
    status: 409,
    message: 'The contact request cannot move to that status from its current one.',
    description:
      'Contact requests move new → contacted → closed (new may be closed at once; closed is final). The request is already in the asked status, closed, or changed meanwhile.',
  },
  SKU_NOT_BUYABLE: {
    status: 400,
    message: 'This item cannot be bought online: ask us for a quote.',
    description:
      'The SKU is a contact-sales item (enterprise editions, custom training, implementation projects); it leads to a quote request, never to a cart.',
  },
  QUANTITY_NOT_ALLOWED: {
    status: 400,
    message: 'This quantity is not allowed for this item.',
    description:
      'Per-seat items take 1 seat up to their cap (at most 1000); every other item is bought once per cart (quantity 1). `details` names the line.',
  },
  EDITION_SEAT_LIMIT_EXCEEDED: {
    status: 422,
    message: 'This edition is sold with fewer seats per purchase.',
    description:
      'A tool edition sold per seat carries at most its `users` limit in seats per purchase (Starter 1, Professional 5). The message names the next edition with more seats, or the quote (Enterprise) to ask for; nothing was changed.',
  },
  CURRENCY_NOT_AVAILABLE: {
    status: 400,
    message: 'Some items in the cart are not sold in this currency.',
    description:
      'The cart’s currency was changed (or an item added) but a SKU has no active price in it; nothing was changed. `details` names each SKU.',
  },
  CART_EMPTY: {
    status: 409,
    message: 'Your cart is empty.',
    description: 'Checkout (or a quote for it) was asked for a cart with no lines.',
  },
  CART_MIXED_INTERVALS: {
    status: 409,
    message: 'Monthly and annual plans are checked out separately.',
    description:
      'With Stripe, one checkout bills one subscription at one interval: remove the monthly or the annual plans from the cart, check out, then buy the others. Nothing was recorded.',
  },
  CART_CHANGED: {
    status: 409,
    message: 'Your cart changed since you reviewed it. Please review the new total.',
    description:
      'The checkout named a cart version (`cartVersion`) that is no longer current: lines, quantities or currency changed after the quote was shown.',
  },
  CHECKOUT_DISABLED: {
    status: 503,
    message: 'Online checkout is not available right now. Please contact us to order.',
    description:
      'No real payment provider is configured: in production (`NODE_ENV=production`) the built-in test provider is refused and Stripe keys (`STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET`) are required.',
  },
  ORDER_STATE_CONFLICT: {
    status: 409,
    message: 'The order cannot change like that in its current state.',
    description:
      'An illegal order state transition was asked for (e.g. paying a canceled order, fulfilling an unpaid one). The message names both states.',
  },
  PAYMENT_NOT_PAYABLE: {
    status: 409,
    message: 'This payment is already complete or can no longer be paid.',
    description: 'A card was submitted for a payment that succeeded already or whose order was canceled.',
  },
  SUBSCRIPTION_STATE_CONFLICT: {
    status: 409,
    message: 'The subscription cannot change like that in its current state.',
    description:
      'A plan change, cancellation or payment retry was asked for a subscription whose status does not allow it (e.g. changing a canceled or past-due subscription, resuming one that has ended). The message says why.',
  },
  SUBSCRIPTION_PROVIDER_MANAGED: {
    status: 409,
    message: 'This subscription is managed by the payment provider.',
    description:
      'The subscription is billed by a payment provider that cannot make this change for it (its provider id is unknown, or the provider does not offer the operation). Nothing was changed.',
  },
  PLAN_CHANGE_INVALID: {
    status: 422,
    message: 'That plan change is not possible.',
    description:
      'The target SKU is unknown, not buyable in the subscription’s currency, of another product or billing interval, or the change would not change anything. `details` names the field.',
  },
  PAYMENT_DECLINED: {
    status: 402,
    message: 'The payment was declined.',
    description:
      'Charging the card failed (the message gives the card’s reason), here or at Stripe. Nothing changed: the plan change or payment can be tried again, with another card if needed.',
  },
  LICENSE_STATE_CONFLICT: {
    status: 409,
    message: 'The license cannot change like that in its current state.',
    description:
      'A staff or system action asked for a status move the license does not allow: a revoked license is final; an expired one is reinstated only with a new term (`extend`). The message names both states. Nothing changed.',
  },
  SEAT_LIMIT_REACHED: {
    status: 409,
    message: 'Every seat of this license is assigned.',
    description:
      'Assigning a named user to a seat license that has as many users as seats. Release a seat first (that counts as a transfer). Nothing changed.',
  },
  SEAT_TRANSFER_LIMIT: {
    status: 429,
    message: 'This license has used its seat transfers for this month.',
    description:
      'Releasing a named user’s seat (to give it to someone else) is limited per calendar month (UTC) by the product’s policy (2 by default, as in the specification). `details` gives the limit and when the next transfer is possible. Nothing changed.',
  },
  SEAT_DOMAIN_NOT_ALLOWED: {
    status: 422,
    message: 'This email domain may not use the license.',
    description:
      'The license lists allowed email domains and the user’s email is in none of them. Nothing changed.',
  },
  CONSULTING_HOURS_EXCEEDED: {
    status: 422,
    message: 'That is more time than remains on this consulting allocation.',
    description:
      'A time entry asked for more hours than the allocation has left (allocated − used − canceled): the balance never goes below zero, also when entries are recorded at the same time. The message and `details` give what remains. Nothing was recorded.',
  },
  ALLOCATION_EXPIRED: {
    status: 409,
    message: 'This consulting allocation takes no more time.',
    description:
      'A time entry was recorded on an allocation past its expiry (blocks of hours expire 6, 12 or 18 months after purchase) or canceled by a refund. Nothing was recorded.',
  },
  REFUND_EXCEEDS_BALANCE: {
    status: 422,
    message: 'The refund is larger than what can still be refunded on this order.',
    description:
      'A refund must be at least one minor unit and at most the order’s gross total minus what was refunded already and what is being refunded (pending refunds). Nothing was recorded; the order page shows the refundable balance.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 409,
    message: 'This idempotency key was already used for a different request.',
    description:
      'An `Idempotency-Key` (or a form’s request key) names an earlier request with other parameters (another order or amount). Repeating the same request answers its first result; a new request needs a new key.',
  },
  PAYMENT_PAGE_UNAVAILABLE: {
    status: 503,
    message: 'Your order is saved, but the payment page is temporarily unavailable. Try again in a moment.',
    description:
      'The order was placed but the payment provider (Stripe) could not be reached to open its payment page. Nothing was charged. Repeating the same checkout (same cart id and version) continues with the same order; the order’s confirmation page offers the payment once the provider answers.',
  },
  WEBHOOK_SIGNATURE_INVALID: {
    status: 400,
    message: 'The webhook signature is missing, invalid or too old.',
    description:
      'A provider webhook (`POST /webhooks/stripe`) came without a valid signature over its raw body, or with a timestamp outside the tolerance (5 minutes). Nothing was recorded.',
  },
  LICENSE_KEY_INVALID: {
    status: 401,
    message: 'The license key is not valid.',
    description:
      'A key-authenticated license API (usage reporting) got a key that is malformed (its check group does not match) or names no license. Nothing was recorded.',
  },
  LICENSE_NOT_ACTIVE: {
    status: 403,
    message: 'The license is not active.',
    description:
      'The license exists but is revoked, suspended, expired or not valid yet; the message says which (the validation code). Nothing was recorded.',
  },
  USAGE_METER_UNKNOWN: {
    status: 422,
    message: 'The license has no such usage meter.',
    description:
      'A usage event names a meter the license does not meter (its limits define a meter per `<meter>PerMonth` key, e.g. `records`). `details` names each event and the license’s meters. Nothing was recorded.',
  },
  USAGE_PERIOD_CLOSED: {
    status: 422,
    message: 'This usage belongs to a period that is closed.',
    description:
      'A usage event’s `occurredAt` is before the license’s current monthly period; late usage for an ended period is not accepted (its statement is, or is about to be, written). `details` names each event. Nothing was recorded.',
  },
  USAGE_LIMIT_EXCEEDED: {
    status: 409,
    message: 'The usage included in this period is used up.',
    description:
      'The license’s product blocks usage above the included quantity (`usagePolicy: block`) and the request would go above it for a meter. The whole request was refused and nothing was recorded; usage is accepted again when the next period starts.',
  },
  INTERNAL: {
    status: 500,
    message: 'Something went wrong on our side. It has been logged.',
    description:
      'An unexpected error. The response never contains internals; the `requestId` finds it in the logs.',
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    message: 'The service is temporarily unavailable. Try again shortly.',
    description: 'The database is unreachable, busy, or the server is shutting down.',
  },
  SERVICE_BUSY: {
    status: 503,
    message: 'The server is busy. Try again in a moment.',
    description:
      'Every database connection stayed in use for the pool’s wait (5 s): the request was not run and nothing changed. `Retry-After` says when to try again (license clients treat it as the server being unreachable and answer from their cache).',
  },
  // ---- onboarding (onboarding mails, mail preferences) ----
  UNSUBSCRIBE_LINK_INVALID: {
    status: 400,
    message:
      'This unsubscribe link is not valid. Use the link from the mail itself, or sign in to change your mail settings.',
    description:
      'The `token` of an unsubscribe link is missing, malformed or not signed by this installation (a forged or edited link). Nothing was changed.',
  },
  // ---- support tickets and product downloads (src/modules/support, src/modules/downloads) ----
  SUPPORT_RATE_LIMITED: {
    status: 429,
    message: 'You have opened many tickets in a short time. Try again later or reply to an open ticket.',
    description:
      'A customer opened as many support tickets as the hourly limit allows (`SUPPORT_TICKETS_PER_HOUR`). `Retry-After` says how many seconds until the next one can be opened. Nothing was written.',
  },
  TICKET_CLOSED: {
    status: 409,
    message: 'This ticket is closed.',
    description:
      'A reply to a closed support ticket. A resolved ticket reopens when the customer replies; a closed one is final (open a new ticket). Nothing was written.',
  },
  DOWNLOAD_LINK_INVALID: {
    status: 403,
    message: 'This download link is not valid.',
    description:
      'The signature of a download link does not match its release, user and expiry (forged, altered, or issued to someone else). Get a fresh link from the downloads page.',
  },
  DOWNLOAD_LINK_EXPIRED: {
    status: 410,
    message: 'This download link has expired.',
    description: 'Download links are valid for 5 minutes. Get a fresh link from the downloads page.',
  },
  ATTACHMENT_TOO_LARGE: {
    status: 413,
    message: 'The file is larger than a support ticket attachment may be.',
    description:
      'A file attached to a support ticket message is larger than `SUPPORT_ATTACHMENT_MAX_BYTES`. Nothing of the message was kept.',
  },
  ATTACHMENT_TYPE_NOT_ALLOWED: {
    status: 415,
    message: 'This kind of file cannot be attached. Attach a PDF, PNG, JPEG, text, JSON, CSV or log file.',
    description:
      'A file attached to a support ticket message is not one of the allowed types (PDF, PNG, JPEG, plain text, JSON, CSV, log), judged by its content and its extension together (the content type the client sent is not trusted). Nothing of the message was kept.',
  },
  TOO_MANY_ATTACHMENTS: {
    status: 400,
    message: 'Too many files for one message.',
    description:
      'A support ticket message carries more files than `SUPPORT_ATTACHMENTS_PER_MESSAGE`. Nothing of the message was kept.',
  },
  RELEASE_TOO_LARGE: {
    status: 413,
    message: 'The release file is larger than allowed.',
    description:
      'An uploaded release file is larger than `RELEASE_MAX_BYTES`. Nothing was kept: the partial file is deleted and no release is recorded.',
  },
  RELEASE_EXISTS: {
    status: 409,
    message: 'This product already has a release of this version for this platform.',
    description:
      'A release is unique per product, version and platform. Unpublishing keeps the release (its downloads stay on record); upload a new version instead. Nothing was written.',
  },
  // ---- content (src/modules/content: blog, podcast, case studies, docs, pages) ----
  CONTENT_SLUG_TAKEN: {
    status: 409,
    message: 'Another item of this kind already has this slug.',
    description:
      'A slug is unique per kind of content (posts, case studies, episodes, docs pages…). Choose another; nothing was written. A slug an item had before is free to take: its redirect then ends.',
  },
  CONTENT_INVALID_FRONT_MATTER: {
    status: 422,
    message: 'The front matter is not valid for this kind of content.',
    description:
      'A field of the kind’s front matter is missing, has the wrong type or format, or is unknown, or it points at something that does not exist (an author key, an image, an episode’s audio file, a catalog product). `details` names each field under `/frontMatter`. Nothing was written.',
  },
  CONTENT_EDIT_CONFLICT: {
    status: 409,
    message: 'Someone saved this item after you opened it. Reload it and make your change again.',
    description:
      'The `expectedVersion` sent with an edit is not the item’s current version: another save came first. Nothing was written.',
  },
  CONTENT_STATUS_CONFLICT: {
    status: 409,
    message: 'The item cannot make this move from its current status.',
    description:
      'Publish or schedule what is not live (a draft, a scheduled or an archived item: unpublish a live one first), unpublish what is not a draft, archive what is not archived. Nothing was written.',
  },
  CONTENT_MEDIA_INVALID: {
    status: 415,
    message: 'The file is not a PNG, JPEG or WebP image that can be read.',
    description:
      'Uploaded images are recognised by their bytes, not their name: PNG, JPEG and WebP up to 60 megapixels are accepted, and the image must decode. Nothing was kept.',
  },
  CONTENT_MEDIA_TOO_LARGE: {
    status: 413,
    message: 'The image is larger than 10 MB.',
    description: 'Uploaded images may be at most 10 MB. Nothing was kept.',
  },
  RANGE_NOT_SATISFIABLE: {
    status: 416,
    message: 'The requested range is outside the file.',
    description:
      'A `Range` request for audio starts at or after the end of the file. `Content-Range: bytes */<size>` gives the file’s length.',
  },
} as const satisfies Record<string, { status: number; message: string; description: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export interface ErrorDetail {
  /** JSON pointer-ish path of the offending field, e.g. `/email`. */
  path?: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: ErrorDetail[] | undefined;
  /** Extra response headers, e.g. Retry-After. */
  readonly headers: Record<string, string> | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    options: { details?: ErrorDetail[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message ?? ERROR_CATALOG[code].message, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.details = options.details;
    this.headers = options.headers;
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
