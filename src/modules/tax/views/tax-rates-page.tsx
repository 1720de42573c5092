import {
  AdminNav,
  Alert,
  Button,
  CsrfInput,
  FormField,
  Layout,
  type PageChrome,
} from '../../../web/index.ts';
import { TAX_KINDS } from '../domain/rates.ts';

/** A rate as the page shows it (the JSON shape of tax-admin.routes.ts). */
export interface RateView {
  id: string;
  jurisdiction: string;
  kind: string;
  ratePercent: string;
  validFrom: string;
  validTo: string | null;
  label: string;
  status: 'past' | 'current' | 'future';
}

export interface RateFormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  message: string;
}

const KIND_LABELS: Record<string, string> = {
  vat: 'VAT',
  gst: 'GST (Canada, federal)',
  hst: 'HST (Canadian harmonized)',
  pst: 'PST / RST (Canadian provincial)',
  qst: 'QST (Quebec)',
  sales: 'Sales tax (US state)',
};

/** The same markup as FormField, for a choice: label, error, aria wiring. */
function SelectField(props: {
  name: string;
  label: string;
  options: readonly (readonly [value: string, label: string])[];
  value: string;
  error?: string | undefined;
}) {
  const id = `field-${props.name}`;
  const errorId = props.error ? `${id}-error` : undefined;
  return (
    <div class={props.error ? 'form-field has-error' : 'form-field'}>
      <label for={id}>{props.label}</label>
      {props.error && (
        <p class="form-error" id={errorId}>
          <span class="visually-hidden">Error: </span>
          {props.error}
        </p>
      )}
      <div class="field-control">
        <select
          id={id}
          name={props.name}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={errorId}
        >
          {props.options.map(([value, label]) => (
            <option value={value} selected={value === props.value}>
              {label}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

/** /admin/tax-rates: the rates by jurisdiction, and the form adding a dated one. */
export function TaxRatesPage(
  props: PageChrome & {
    rates: RateView[];
    today: string;
    filter: { country: string; scope: 'current' | 'all' };
    notice: string | null;
    form?: RateFormState | undefined;
  },
) {
  const v = props.form?.values ?? {};
  const e = props.form?.errors ?? {};
  const caption =
    props.filter.scope === 'all'
      ? `Every period${props.filter.country ? ` in ${props.filter.country}` : ''}`
      : `Periods in force on ${props.today} or later${props.filter.country ? ` in ${props.filter.country}` : ''}`;
  return (
    <Layout {...props} title="Tax rates — FHIR IQ admin" currentPath="/admin/tax-rates">
      <div class="container admin-page stack">
        <h1>Tax rates</h1>
        <AdminNav current="/admin/tax-rates" />
        {props.notice && <Alert kind="success">{props.notice}</Alert>}
        {props.form && <Alert kind="error">{props.form.message}</Alert>}
        <p>
          Rates are dated: each applies from its first day until the next one starts. A new rate starts today
          or later, so past sales keep the rates they were taxed at.
        </p>
        <form method="get" action="/admin/tax-rates" class="inline-form">
          <div class="form-field">
            <label for="filter-country">Country</label>
            <input
              id="filter-country"
              name="country"
              type="text"
              value={props.filter.country}
              maxLength={2}
              autocomplete="off"
            />
          </div>
          <div class="form-field">
            <label for="filter-scope">Periods</label>
            <select id="filter-scope" name="scope">
              <option value="current" selected={props.filter.scope === 'current'}>
                Current and future
              </option>
              <option value="all" selected={props.filter.scope === 'all'}>
                Whole history
              </option>
            </select>
          </div>
          <button type="submit" class="btn btn-secondary">
            Show
          </button>
        </form>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Jurisdiction</th>
              <th scope="col">Tax</th>
              <th scope="col">Rate</th>
              <th scope="col">From</th>
              <th scope="col">Until</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {props.rates.length === 0 && (
              <tr>
                <td colSpan={6}>No rates.</td>
              </tr>
            )}
            {props.rates.map((r) => (
              <tr id={`rate-${r.id}`}>
                <th scope="row">{r.jurisdiction}</th>
                <td>{r.label}</td>
                <td>{r.ratePercent} %</td>
                <td>{r.validFrom}</td>
                <td>{r.validTo ?? 'open'}</td>
                <td>{r.status}</td>
              </tr>
            ))}
          </tbody>
        </table>

        <section aria-labelledby="add-rate">
          <h2 id="add-rate">Add a rate</h2>
          <p>
            The period in force on the first day ends there. Give an end only for a temporary rate: the period
            it replaces resumes on that day.
          </p>
          <form method="post" action="/admin/tax-rates" class="form" novalidate>
            <CsrfInput token={props.csrfToken ?? ''} />
            <FormField
              name="country"
              label="Country"
              hint="ISO code: GB (not UK), DE, CA, US…"
              value={v.country ?? ''}
              error={e.country}
              required
              maxLength={2}
            />
            <FormField
              name="region"
              label="Province or state"
              hint="QC, BC, WA… Empty for a country-wide rate."
              value={v.region ?? ''}
              error={e.region}
              maxLength={3}
            />
            <SelectField
              name="kind"
              label="Tax"
              options={TAX_KINDS.map((k) => [k, KIND_LABELS[k] ?? k] as const)}
              value={v.kind ?? 'vat'}
              error={e.kind}
            />
            <FormField
              name="rate"
              label="Rate (%)"
              hint="A percentage, up to 4 decimals: 20 or 9.975."
              value={v.rate ?? ''}
              error={e.rate}
              required
              maxLength={12}
            />
            <FormField
              name="validFrom"
              label="First day"
              type="date"
              hint={`Today (${props.today}) or later.`}
              value={v.validFrom ?? ''}
              error={e.validFrom}
              required
            />
            <FormField
              name="validTo"
              label="First day without it"
              type="date"
              hint="Only for a temporary rate."
              value={v.validTo ?? ''}
              error={e.validTo}
            />
            <FormField
              name="label"
              label="Label"
              hint="As quotes and invoices show it: Quebec QST."
              value={v.label ?? ''}
              error={e.label}
              required
              maxLength={100}
            />
            <div>
              <Button type="submit">Add rate</Button>
            </div>
          </form>
        </section>
      </div>
    </Layout>
  );
}
