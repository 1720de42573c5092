import type { ProductType } from '../../catalog/index.ts';

/**
 * 002's `getActivationInstructions`, pure: the steps that put one delivered item to use, by its
 * product's type. Every link is a page of this installation (or the configured booking page):
 * 002's download and service URLs pointed at hosts that do not exist.
 */

/** One item of the "ready" mail: never a full key. */
export type DeliveredItem =
  | {
      kind: 'license';
      name: string;
      productType: ProductType;
      licenseId: string;
      /** The masked key (prefix and last group only). */
      maskedKey: string;
      seats: number;
      validUntil: Date | null;
    }
  | {
      kind: 'enrollment';
      name: string;
      productType: ProductType;
      seats: number;
      maskedKey: string;
      validUntil: Date | null;
    }
  | {
      kind: 'allocation';
      name: string;
      productType: ProductType;
      minutes: number | null;
      expiresAt: Date | null;
    };

export interface ActivationLinks {
  /** PUBLIC_URL, no trailing slash. */
  base: string;
  /** CONSULTING_BOOKING_URL, or the contact page. */
  bookingUrl: string;
  /** The address the mail goes to: the one to sign in with. */
  email: string;
}

const seatsLine = (seats: number, what: string) =>
  seats === 1
    ? `This license has 1 seat: ${what}.`
    : `This license has ${seats} seats: assign your colleagues as named users on the license page; ${what}.`;

/** The activation steps of one item; a product type the item cannot have gets 002's "contact us" steps. */
export function activationSteps(item: DeliveredItem, links: ActivationLinks): string[] {
  const { base } = links;
  const signIn = `Sign in at ${base}/sign-in with ${links.email} (the address this mail was sent to).`;
  if (item.kind === 'license' && item.productType === 'desktop_software') {
    const page = `${base}/account/licenses/${item.licenseId}`;
    return [
      `Download ${item.name} for your computer from ${base}/account/downloads (sign in first).`,
      'Install it on the computer where your data is.',
      `Start it and enter your license key when it asks for one. The full key (it ends in ${item.maskedKey.slice(-4)}) is on ${page}.`,
      `Activate: the computer is registered and receives a signed machine file, so it keeps working offline for a while. ${seatsLine(item.seats, 'each one activates their own computer')}`,
    ];
  }
  if (item.kind === 'license' && item.productType === 'web_service') {
    const page = `${base}/account/licenses/${item.licenseId}`;
    return [
      `${signIn} ${item.name} runs on FHIR IQ: there is nothing to install.`,
      `Open the service from your license page: ${page}.`,
      `Enter your license key when the service asks for it; the full key (it ends in ${item.maskedKey.slice(-4)}) is on that page.`,
      seatsLine(item.seats, 'each signs in with their own address'),
    ];
  }
  if (item.kind === 'enrollment' && item.productType === 'training_course') {
    return [
      signIn,
      `Open ${base}/account/training: your course, its dates or materials, and its full access key are there.`,
      `Enter the access key (it ends in ${item.maskedKey.slice(-4)}) to open the course${
        item.seats > 1 ? `; it admits ${item.seats} participants, so share it with your team` : ''
      }.`,
      item.validUntil
        ? `Start learning: your access runs until ${day(item.validUntil)}.`
        : 'Start learning: your access does not expire.',
    ];
  }
  if (item.kind === 'allocation' && item.productType === 'consulting') {
    return item.minutes === null
      ? [
          'We will contact you within two business days to plan the engagement.',
          `Want to pick a time yourself? Book a call: ${links.bookingUrl}.`,
        ]
      : [
          `Book your first session: ${links.bookingUrl}.`,
          `Your hours and what is left of them, with every session we record: ${base}/account/consulting.`,
        ];
  }
  return [
    `Contact us at ${base}/contact for help with activation.`,
    'Give us your order number and the last group of your key.',
  ];
}

/** One line of what the item is: its key (masked), seats and term. */
export function describeItem(item: DeliveredItem): string {
  switch (item.kind) {
    case 'license':
      return `License key ${item.maskedKey}, ${plural(item.seats, 'seat')}, ${
        item.validUntil ? `valid until ${day(item.validUntil)} (renewed with your subscription)` : 'perpetual'
      }.`;
    case 'enrollment':
      return `${plural(item.seats, 'seat')}, ${
        item.validUntil ? `access until ${day(item.validUntil)}` : 'lifetime access'
      }, access key ${item.maskedKey}.`;
    case 'allocation':
      return item.minutes === null
        ? 'A fixed-scope engagement.'
        : `${Math.round((item.minutes / 60) * 100) / 100} consulting hours${
            item.expiresAt ? `, to use by ${day(item.expiresAt)}` : ''
          }.`;
  }
}

const day = (d: Date) => new Date(d).toISOString().slice(0, 10);
export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
