import { type Currency, formatMoney, isCurrency } from '../../../platform/money.ts';
import { type MeterLevel, meterLevel, thresholdQuantity, type UsagePolicy } from '../domain/usage.ts';

/**
 * Usage meters of the current period as progress bars: a native `<meter>` (its colour turns at
 * 80 % and at 100 %) named by its label, with the numbers and the state in text beside it, so
 * nothing depends on colour. The customer's license page and the dashboard show them.
 */

export interface MeterView {
  meter: string;
  periodStart: string;
  periodEnd: string;
  included: number | null;
  used: number;
  remaining: number | null;
  overage: number;
}

const n = (v: number) => v.toLocaleString('en-US');
const day = (iso: string) => iso.slice(0, 10);
/** `records` → "Records", `apiCalls` → "Api calls": the meter's name as a label. */
const meterName = (m: string) => {
  const words = m.replace(/([A-Z])/g, ' $1').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function stateText(level: MeterLevel, m: MeterView, policy: UsagePolicy | null): string | null {
  if (level === 'warning') return '80 % of what your plan includes is used: you were mailed a warning.';
  if (level !== 'reached') return null;
  if (policy === 'overage')
    return `100 % used: ${n(m.overage)} over what is included, billed at the end of the period.`;
  if (policy === 'block')
    return `100 % used: more is refused until the next period starts on ${day(m.periodEnd)}.`;
  return '100 % of what the plan includes is used.';
}

export function UsageMeter(props: { meter: MeterView; label: string; policy: UsagePolicy | null }) {
  const { meter: m, label, policy } = props;
  const level = meterLevel(m.included, m.used);
  const percent = m.included ? Math.floor((m.used / m.included) * 100) : null;
  const state = stateText(level, m, policy);
  return (
    <li class={`usage-meter usage-${level}`}>
      <p>
        <strong>{label}</strong>: {n(m.used)}
        {m.included === null
          ? ' used (unlimited)'
          : ` of ${n(m.included)} used${percent === null ? '' : ` (${percent} %)`}, ${n(m.remaining ?? 0)} left`}
        {m.overage > 0 && `, ${n(m.overage)} over`} · period {day(m.periodStart)} to {day(m.periodEnd)}
      </p>
      {m.included !== null && m.included > 0 && (
        <meter
          min={0}
          max={m.included}
          // The three regions: under 80 %, from 80 %, and used up (a value above `high`).
          low={thresholdQuantity(m.included, 80)}
          high={m.included - 0.5}
          optimum={0}
          value={Math.min(m.used, m.included)}
          aria-label={`${label}: ${n(m.used)} of ${n(m.included)} used`}
        >
          {n(m.used)} of {n(m.included)}
        </meter>
      )}
      {state && <p class="usage-state">{state}</p>}
    </li>
  );
}

/** Every meter of one license. */
export function UsageMeters(props: { meters: readonly MeterView[]; policy: UsagePolicy }) {
  return (
    <ul class="stack usage-meters">
      {props.meters.map((m) => (
        <UsageMeter meter={m} label={meterName(m.meter)} policy={props.policy} />
      ))}
    </ul>
  );
}

export interface PeriodView {
  periodStart: string;
  periodEnd: string;
  currency: string;
  overageAmount: number;
  orderId: string | null;
  meters: readonly { meter: string; included: number | null; used: number; overage: number }[];
}

const money = (amount: number, currency: string) =>
  isCurrency(currency) ? formatMoney(amount, currency as Currency) : `${n(amount)} ${currency}`;

/** Closed periods, newest first: what each meter used, the overage amount and the order that bills it. */
export function UsagePeriods(props: { periods: readonly PeriodView[] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">Past usage periods</caption>
        <thead>
          <tr>
            <th scope="col">Period</th>
            <th scope="col">Usage</th>
            <th scope="col">Overage (before tax)</th>
          </tr>
        </thead>
        <tbody>
          {props.periods.map((p) => (
            <tr>
              <td>
                {day(p.periodStart)} to {day(p.periodEnd)}
              </td>
              <td>
                {p.meters
                  .map(
                    (m) =>
                      `${meterName(m.meter)}: ${n(m.used)}${m.included === null ? '' : ` of ${n(m.included)}`}${m.overage > 0 ? ` (${n(m.overage)} over)` : ''}`,
                  )
                  .join('; ')}
              </td>
              <td>
                {p.overageAmount === 0 ? (
                  'None'
                ) : p.orderId ? (
                  <a href={`/account/orders/${p.orderId}`}>
                    {money(p.overageAmount, p.currency)}: see the order
                  </a>
                ) : (
                  `${money(p.overageAmount, p.currency)}, billed separately`
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
