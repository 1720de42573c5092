import type { ProductType as CatalogProductType } from '../../catalog/index.ts';

/**
 * 002's onboarding sequence, pure: which mails a paid order's buyer gets, and when, from what the
 * order bought. No I/O: the catalog's product type of each SKU comes in as plain data.
 */

/** What a delivered product is to onboarding: the catalog's product type (a bundle counts as its parts). */
export type ProductType = Exclude<CatalogProductType, 'bundle'>;

/** The three families the sequence branches on. */
export type ProductGroup = 'software' | 'training' | 'consulting';

export const groupOf = (type: ProductType): ProductGroup =>
  type === 'training_course' ? 'training' : type === 'consulting' ? 'consulting' : 'software';

export const ONBOARDING_TEMPLATES = [
  'onboarding.welcome',
  'onboarding.training-access',
  'onboarding.consultation-scheduling',
  'onboarding.software-activation',
  'onboarding.learning-path',
  'onboarding.software-tips',
  'onboarding.success-checkin',
] as const;
export type OnboardingTemplate = (typeof ONBOARDING_TEMPLATES)[number];

/**
 * Transactional mail tells the buyer how to use what they paid for; it goes out whatever their
 * marketing preference. Marketing mail (tips, suggestions, a check-in) is optional by nature:
 * an unsubscribed recipient does not get it, and each one carries an unsubscribe link.
 */
export type MailCategory = 'transactional' | 'marketing';

export interface StepDefinition {
  template: OnboardingTemplate;
  delayHours: number;
  category: MailCategory;
  /** The family of products the step is about; null: about the whole order (always sent). */
  group: ProductGroup | null;
}

/**
 * The steps of 002's `determineOnboardingPlan`, in time order. Categories:
 * - welcome: transactional (confirms the purchase, says where everything is);
 * - training access, consultation scheduling, software activation: transactional (instructions
 *   for using what was bought: access keys, booking the hours, license keys and the SDK);
 * - learning path, software tips, success check-in: marketing (advice and a feedback request).
 */
export const STEP_DEFINITIONS: Readonly<Record<OnboardingTemplate, StepDefinition>> = {
  'onboarding.welcome': {
    template: 'onboarding.welcome',
    delayHours: 0,
    category: 'transactional',
    group: null,
  },
  'onboarding.training-access': {
    template: 'onboarding.training-access',
    delayHours: 2,
    category: 'transactional',
    group: 'training',
  },
  'onboarding.consultation-scheduling': {
    template: 'onboarding.consultation-scheduling',
    delayHours: 4,
    category: 'transactional',
    group: 'consulting',
  },
  'onboarding.software-activation': {
    template: 'onboarding.software-activation',
    delayHours: 24,
    category: 'transactional',
    group: 'software',
  },
  'onboarding.learning-path': {
    template: 'onboarding.learning-path',
    delayHours: 48,
    category: 'marketing',
    group: 'training',
  },
  'onboarding.software-tips': {
    template: 'onboarding.software-tips',
    delayHours: 72,
    category: 'marketing',
    group: 'software',
  },
  'onboarding.success-checkin': {
    template: 'onboarding.success-checkin',
    delayHours: 168,
    category: 'marketing',
    group: null,
  },
};

export interface PlanItem {
  productType: ProductType;
}

/**
 * 002's plan: the welcome (0 h) and the success check-in (168 h) always; software activation
 * (24 h) and tips (72 h) when anything is software; training access (2 h) and the learning path
 * (48 h) when anything is training; consultation scheduling (4 h) when anything is consulting.
 * Each template at most once, ordered by delay. Pure; the input is not changed.
 */
export function determineOnboardingPlan(items: readonly PlanItem[]): StepDefinition[] {
  const groups = new Set(items.map((i) => groupOf(i.productType)));
  return ONBOARDING_TEMPLATES.map((t) => STEP_DEFINITIONS[t])
    .filter((s) => s.group === null || groups.has(s.group))
    .sort((a, b) => a.delayHours - b.delayHours);
}

// ---- from the catalog's data --------------------------------------------------------------------------------

/**
 * The catalog's product type of a SKU's product, as onboarding reads it: a bundle has no type of
 * its own (it is its components), anything else is what staff set on the product.
 */
export function productTypeOf(type: CatalogProductType): ProductType | null {
  return type === 'bundle' ? null : type;
}

export interface OrderLineInput {
  id: string;
  sku: string;
  name: string;
  /** Net + tax as sold, minor units: a refund of all of it takes the line out of the plan. */
  gross: number;
}

/** One product the order delivers: a line, or a component of a bundle line. */
export interface OrderItem extends PlanItem {
  lineId: string;
  sku: string;
  name: string;
}

/**
 * The order's items with their product types; a bundle line counts as each of its components
 * (a bundle with tools and a course is software and training). SKUs the catalog does not know,
 * and bundles inside bundles, contribute nothing (they could not be delivered either).
 */
export function orderItems(
  lines: readonly OrderLineInput[],
  skuOf: (code: string) => { name: string; productType: CatalogProductType } | undefined,
  componentsOf: (bundleSku: string) => readonly { componentSku: string }[],
): OrderItem[] {
  const out: OrderItem[] = [];
  for (const line of lines) {
    const sku = skuOf(line.sku);
    if (!sku) continue;
    const own = productTypeOf(sku.productType);
    if (own) {
      out.push({ lineId: line.id, sku: line.sku, name: line.name, productType: own });
      continue;
    }
    for (const c of componentsOf(line.sku)) {
      const component = skuOf(c.componentSku);
      const type = component && productTypeOf(component.productType);
      if (type) out.push({ lineId: line.id, sku: c.componentSku, name: component.name, productType: type });
    }
  }
  return out;
}

/** A succeeded refund's split over the order's lines (payments' allocation). */
export interface RefundShare {
  lineId: string;
  net: number;
  tax: number;
}

/** The lines refunded in full by the given (succeeded) refunds. */
export function fullyRefundedLines(
  lines: readonly OrderLineInput[],
  refunds: readonly (readonly RefundShare[])[],
): Set<string> {
  const refunded = new Map<string, number>();
  for (const parts of refunds)
    for (const p of parts)
      refunded.set(p.lineId, (refunded.get(p.lineId) ?? 0) + Number(p.net) + Number(p.tax));
  return new Set(lines.filter((l) => l.gross > 0 && (refunded.get(l.id) ?? 0) >= l.gross).map((l) => l.id));
}

/**
 * Which scheduled steps refunds make irrelevant. A full refund (or every line refunded) cancels
 * every step; otherwise a step about a product family is cancelled when no unrefunded line of
 * that family is left (refunding the only course cancels the training mails), and the steps
 * about the whole order stay.
 */
export function stepsToCancel(
  scheduled: readonly OnboardingTemplate[],
  items: readonly OrderItem[],
  refundedLines: ReadonlySet<string>,
  orderRefundedInFull: boolean,
): OnboardingTemplate[] {
  const live = items.filter((i) => !refundedLines.has(i.lineId));
  if (orderRefundedInFull || (items.length > 0 && live.length === 0)) return [...scheduled];
  const still = new Set(determineOnboardingPlan(live).map((s) => s.template));
  return scheduled.filter((t) => !still.has(t));
}
