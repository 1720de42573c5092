import { Alert, Button, Card, FormField } from '../../../web/index.ts';
import type { OrganizationBilling, TaxIdStatus } from '../accounts.contract.ts';
import type { FormState } from './shared.tsx';
import { formatDate, PostForm } from './shared.tsx';

/** The billing card of an organization's page: read by every member, edited by owners, admins and billing. */

const VAT_STATUS: Record<TaxIdStatus['status'], string> = {
  pending: 'verification pending (the EU registry has not answered yet)',
  valid: 'verified',
  invalid: 'not registered',
  unchecked: 'not checked (no registry for this country)',
};

export function vatLabel(vat: TaxIdStatus): string {
  const how =
    vat.source === 'vies' ? ' with VIES' : vat.source === 'local-format' ? ' (format and check digit)' : '';
  const when = vat.checkedAt ? `, ${formatDate(vat.checkedAt)}` : '';
  return vat.status === 'valid' ? `${vat.id}: verified${how}${when}` : `${vat.id}: ${VAT_STATUS[vat.status]}`;
}

/** The address lines of billing details, as invoices print them. */
export function billingLines(b: OrganizationBilling): string[] {
  const cityLine = [b.postalCode, b.city].join(' ');
  return [b.legalName, b.line1, b.line2, [cityLine, b.region].filter(Boolean).join(', '), b.country].filter(
    (l): l is string => !!l,
  );
}

/** The saved billing details as a definition list (the portal's and the staff console's pages). */
export function BillingSummary(props: { billing: OrganizationBilling }) {
  const b = props.billing;
  return (
    <dl class="details">
      <dt>Billed to</dt>
      <dd>{billingLines(b).join(', ')}</dd>
      <dt>Invoices go to</dt>
      <dd>{b.email}</dd>
      <dt>VAT ID</dt>
      <dd>{b.vat ? vatLabel(b.vat) : 'none'}</dd>
    </dl>
  );
}

export function BillingCard(props: {
  base: string;
  billing: OrganizationBilling | null;
  canEdit: boolean;
  csrfToken: string | undefined;
  form?: FormState | undefined;
}) {
  const b = props.billing;
  const values = props.form?.values ?? {};
  const e = props.form?.errors ?? {};
  const v = (name: string, saved: string | null | undefined) => values[name] ?? saved ?? '';
  return (
    <Card title="Billing details">
      <p>
        What invoices print when a member buys for this organization; checkout fills them in. Owners, admins
        and billing members see every order and invoice of the organization.
      </p>
      {props.form?.message && <Alert kind={props.form.message.kind}>{props.form.message.text}</Alert>}
      {b ? <BillingSummary billing={b} /> : <p>No billing details yet.</p>}
      {props.canEdit && (
        <PostForm action={`${props.base}/billing`} csrfToken={props.csrfToken} label="Billing details">
          <FormField
            id="billing-legalName"
            name="legalName"
            label="Legal name"
            required
            maxLength={100}
            value={v('legalName', b?.legalName)}
            error={e.legalName}
          />
          <FormField
            id="billing-line1"
            name="line1"
            label="Address"
            required
            maxLength={200}
            value={v('line1', b?.line1)}
            error={e.line1}
          />
          <FormField
            id="billing-line2"
            name="line2"
            label="Address line 2"
            maxLength={200}
            value={v('line2', b?.line2)}
            error={e.line2}
          />
          <FormField
            id="billing-city"
            name="city"
            label="City"
            required
            maxLength={100}
            value={v('city', b?.city)}
            error={e.city}
          />
          <FormField
            id="billing-postalCode"
            name="postalCode"
            label="Postal code"
            required
            maxLength={16}
            value={v('postalCode', b?.postalCode)}
            error={e.postalCode}
          />
          <FormField
            id="billing-region"
            name="region"
            label="Region (state or province code)"
            maxLength={3}
            value={v('region', b?.region)}
            error={e.region}
          />
          <FormField
            id="billing-country"
            name="country"
            label="Country (two-letter code)"
            required
            minLength={2}
            maxLength={2}
            value={v('country', b?.country)}
            error={e.country}
          />
          <FormField
            id="billing-email"
            name="email"
            label="Billing email"
            type="email"
            required
            maxLength={254}
            value={v('email', b?.email)}
            error={e.email}
          />
          <FormField
            id="billing-vatId"
            name="vatId"
            label="VAT ID"
            maxLength={40}
            hint="EU and UK VAT IDs are verified with the EU registry (VIES); a Canadian GST/HST number by its format."
            value={v('vatId', b?.vatId)}
            error={e.vatId}
          />
          <div class="actions">
            <Button type="submit">Save billing details</Button>
          </div>
        </PostForm>
      )}
    </Card>
  );
}
