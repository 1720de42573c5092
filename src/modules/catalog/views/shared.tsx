import { CURRENCIES, type Currency, formatMoney } from '../../../platform/money.ts';
import type { CatalogEntry } from '../domain/catalog-view.ts';
import type { LimitValue } from '../domain/types.ts';

/** Pieces the catalog's pages share: currency links, price labels, limit names. */

export function currencyOf(value: string | undefined): Currency {
  return (CURRENCIES as readonly string[]).includes(value ?? '') ? (value as Currency) : 'USD';
}

/** `/pricing?billing=annual&currency=EUR`: the same page with some parameters replaced. */
export function withQuery(path: string, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/** Links, not a form: choosing a currency works without script and each choice has its own URL. */
export function CurrencyChooser(props: {
  path: string;
  current: Currency;
  params?: Record<string, string | undefined>;
}) {
  return (
    <nav aria-label="Currency" class="currency-chooser">
      <span class="currency-label">Currency:</span>
      <ul>
        {CURRENCIES.map((c) => (
          <li>
            <a
              href={withQuery(props.path, { ...props.params, currency: c === 'USD' ? undefined : c })}
              aria-current={c === props.current ? 'true' : undefined}
            >
              {c}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function period(e: Pick<CatalogEntry, 'interval' | 'perSeat'>): string {
  const seat = e.perSeat ? 'per seat ' : '';
  if (e.interval === 'month') return `${seat}per month`;
  if (e.interval === 'year') return `${seat}per year`;
  if (e.perSeat) return 'per seat';
  // A non-breaking hyphen: "one-" and "time" never end up on two lines of a narrow table.
  return 'one\u2011time';
}

export function priceText(e: CatalogEntry, currency: Currency): string | null {
  const amount = e.prices[currency];
  return amount === undefined ? null : formatMoney(amount, currency);
}

const LIMIT_NAMES: Record<string, string> = {
  recordsPerMonth: 'Records per month',
  users: 'Users',
  projects: 'Projects',
  support: 'Support',
  customRules: 'Custom rules',
  patients: 'Patients',
  dashboards: 'Dashboards',
  appsPerMonth: 'Apps per month',
  githubIntegration: 'GitHub integration',
  customProfiles: 'Custom profiles',
};

/** Limits in a reading order (jsonb keeps keys in its own order). */
export function orderedLimits(limits: Record<string, LimitValue>): [string, LimitValue][] {
  const order = Object.keys(LIMIT_NAMES);
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.entries(limits).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

export function orderedLimitKeys(keys: Iterable<string>): string[] {
  return orderedLimits(Object.fromEntries([...keys].map((k) => [k, true]))).map(([k]) => k);
}

/** A per-seat edition's `users` is not what the license includes but how many seats one purchase may carry. */
const seatCapOf = (key: string, e: Pick<CatalogEntry, 'maxSeats' | 'fulfillment'> | undefined) =>
  key === 'users' && e?.maxSeats != null && e.fulfillment.kind === 'license';

export function limitName(key: string, entry?: Pick<CatalogEntry, 'maxSeats' | 'fulfillment'>): string {
  if (seatCapOf(key, entry)) return 'Seats per purchase';
  return LIMIT_NAMES[key] ?? key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
}

export function limitText(
  value: LimitValue | undefined,
  key?: string,
  entry?: Pick<CatalogEntry, 'maxSeats' | 'fulfillment'>,
): string {
  if (key !== undefined && seatCapOf(key, entry)) {
    if (value === 'unlimited') return 'Any number';
    if (typeof value === 'number') return value === 1 ? '1 (a single user)' : `1 to ${value}`;
  }
  if (value === undefined || value === false) return '—';
  if (value === true) return 'Included';
  if (typeof value === 'number') return value.toLocaleString('en-US');
  if (value === 'unlimited') return 'Unlimited';
  return value.charAt(0).toUpperCase() + value.slice(1);
}

/** A short description of how the item is delivered, for product pages and listings. */
export function fulfillmentText(e: CatalogEntry): string | null {
  const f = e.fulfillment;
  if (f.kind === 'training') {
    const format = f.format === 'live' ? 'Live, instructor-led' : 'Self-paced';
    const hours = f.hours ? `, ${f.hours} hours` : '';
    const access = f.accessMonths ? `, ${f.accessMonths} months of access` : ', lifetime access';
    return `${format}${hours}${access}`;
  }
  if (f.kind === 'consulting') {
    if (f.engagement === 'fixed_scope') return 'Fixed-scope engagement, fixed price';
    if (f.engagement === 'project') return 'A project scoped with you';
    return `${f.hours} hours${f.expiryMonths ? `, to use within ${f.expiryMonths} months` : ''}`;
  }
  if (f.kind === 'license') {
    if (f.licenseType === 'SEAT' && e.maxSeats !== null)
      return 'Named-user license, priced per seat: one seat per person who uses it';
    const type = {
      SEAT: 'Named-user license',
      ORGANIZATION: 'Organization-wide license',
      USAGE: 'Usage-based license',
    };
    return type[f.licenseType];
  }
  return null;
}
