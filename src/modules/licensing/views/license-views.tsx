import type { ComponentChildren } from 'preact';
import {
  AdminNav,
  Alert,
  Button,
  CsrfInput,
  FormField,
  Layout,
  type PageChrome,
} from '../../../web/index.ts';
import type { LicenseStatus } from '../domain/validation.ts';
import type {
  CustomerLicense,
  LicenseSummary,
  PortalMachine,
  StaffLicense,
  StaffLicenseSummary,
} from '../licenses.portal.ts';
import type { LicenseEventView } from '../licenses.service.ts';
import { UsageMeters, UsagePeriods } from './usage-meters.tsx';

/** The customer's license pages (list, one license) and the staff console's (search, one license). */

export const STATUS_LABELS: Record<LicenseStatus, string> = {
  ACTIVE: 'Active',
  SUSPENDED: 'Suspended',
  EXPIRED: 'Expired',
  REVOKED: 'Revoked',
};

const TYPE_LABELS: Record<LicenseSummary['type'], string> = {
  SEAT: 'Named users (one seat each)',
  ORGANIZATION: 'Organization-wide',
  USAGE: 'Usage-based',
};

/** Labels of the trail's event types; a type not listed (a newer one) shows as it is stored. */
export const EVENT_LABELS: Record<string, string> = {
  issued: 'License issued',
  validated: 'Validated',
  activated: 'Machine activated',
  'activation-refused': 'Activation refused',
  deactivated: 'Machine deactivated',
  'machine-released': 'Machine released (missed its heartbeats)',
  'activations-reset': 'All machines deactivated',
  'seat-assigned': 'Seat assigned',
  'seat-released': 'Seat released',
  'seat-transferred': 'Seat transferred',
  'seats-changed': 'Number of seats changed',
  suspended: 'Suspended',
  reinstated: 'Reinstated',
  revoked: 'Revoked',
  expired: 'Expired',
  extended: 'Term changed',
  'domains-changed': 'Allowed email domains changed',
  'countries-changed': 'Allowed countries changed',
};

const day = (s: string | null) => (s ? s.slice(0, 10) : '—');
const minute = (s: string) => `${s.slice(0, 16).replace('T', ' ')} UTC`;
const label = (type: string) => EVENT_LABELS[type] ?? type;
const list = (values: readonly string[], none: string) => (values.length ? values.join(', ') : none);

/** What the last action did: done, or refused with nothing changed. */
function Outcome(props: { notice?: string | null | undefined; error?: string | null | undefined }) {
  return (
    <>
      {props.notice && (
        <Alert kind="success" title="Done">
          <p>{props.notice}</p>
        </Alert>
      )}
      {props.error && (
        <Alert kind="error" title="Nothing was changed">
          <p>{props.error}</p>
        </Alert>
      )}
    </>
  );
}

/** A POST form with its CSRF token. */
function PostForm(props: {
  action: string;
  csrfToken: string | undefined;
  class?: string;
  children?: ComponentChildren;
}) {
  return (
    <form method="post" action={props.action} class={props.class ?? 'stack-form'}>
      {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
      {props.children}
    </form>
  );
}

/** The status in plain words, for the license's owner. */
function customerStatus(l: LicenseSummary): string {
  switch (l.status) {
    case 'ACTIVE':
      return l.validUntil
        ? `Your software accepts this key until ${day(l.validUntil)}.`
        : 'Your software accepts this key. It does not expire.';
    case 'SUSPENDED':
      return 'Your software refuses this key for now. A license is suspended when a renewal is unpaid or while we look into a problem, and it works again as soon as it is reinstated. Contact us if you do not know why.';
    case 'EXPIRED':
      return `The term ended on ${day(l.validUntil)}. Renew to use the software again: your machines and users are kept.`;
    case 'REVOKED':
      return 'This license was revoked (for example after a refund) and can no longer be used.';
  }
}

function LicenseTable(props: {
  items: readonly (LicenseSummary | StaffLicenseSummary)[];
  href: (l: LicenseSummary) => string;
  staff?: boolean;
}) {
  return (
    <div class="table-wrap">
      <table class="order-list">
        <caption class="visually-hidden">Licenses, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            {props.staff && <th scope="col">Customer</th>}
            <th scope="col">Key</th>
            <th scope="col">Status</th>
            <th scope="col" class="num">
              Seats
            </th>
            <th scope="col" class="num">
              Machines
            </th>
            <th scope="col">Valid until</th>
          </tr>
        </thead>
        <tbody>
          {props.items.map((l) => (
            <tr>
              <td>
                <a href={props.href(l)}>{l.name}</a>
                <br />
                <span class="sku-code">{props.staff ? l.id : l.sku}</span>
              </td>
              {props.staff && <td>{'email' in l ? (l.email ?? '—') : '—'}</td>}
              <td>
                <code>{l.maskedKey}</code>
              </td>
              <td>{STATUS_LABELS[l.status]}</td>
              <td class="num">{l.type === 'SEAT' ? `${l.seatsAssigned} of ${l.seats}` : String(l.seats)}</td>
              <td class="num">
                {l.machineCount} of {l.maxMachines}
              </td>
              <td>{l.validUntil ? day(l.validUntil) : 'No end date'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function MachineTable(props: {
  machines: readonly PortalMachine[];
  action?: (m: PortalMachine, name: string) => ComponentChildren;
}) {
  if (props.machines.length === 0) return <p>No machine is activated.</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">Activated machines</caption>
        <thead>
          <tr>
            <th scope="col">Machine</th>
            <th scope="col">Platform</th>
            <th scope="col">User</th>
            <th scope="col">Activated</th>
            <th scope="col">Last seen</th>
            {props.action && (
              <th scope="col">
                <span class="visually-hidden">Action</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {props.machines.map((m) => {
            const name = m.name ?? m.hostname ?? m.fingerprint;
            return (
              <tr>
                <td>
                  {name}
                  <br />
                  <span class="sku-code">{m.fingerprint}</span>
                </td>
                <td>{m.platform ?? '—'}</td>
                <td>{m.user ?? '—'}</td>
                <td>{day(m.activatedAt)}</td>
                <td>
                  {m.lastHeartbeatAt ? minute(m.lastHeartbeatAt) : '—'}
                  {m.heartbeatDueBy && (
                    <>
                      <br />
                      released unless seen by {minute(m.heartbeatDueBy)}
                    </>
                  )}
                </td>
                {props.action && <td>{props.action(m, name)}</td>}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The facts both audiences read first. */
function LicenseFacts(props: { license: LicenseSummary; children?: ComponentChildren }) {
  const l = props.license;
  return (
    <dl class="facts">
      <dt>Product</dt>
      <dd>
        {l.productName} ({l.sku})
      </dd>
      <dt>Kind of license</dt>
      <dd>{TYPE_LABELS[l.type]}</dd>
      <dt>Seats</dt>
      <dd>{l.type === 'SEAT' ? `${l.seatsAssigned} of ${l.seats} assigned` : l.seats}</dd>
      <dt>Machines</dt>
      <dd>
        {l.machineCount} of {l.maxMachines} activated
      </dd>
      <dt>Valid</dt>
      <dd>
        from {day(l.validFrom)} {l.validUntil ? `until ${day(l.validUntil)}` : 'with no end date'}
      </dd>
      {props.children}
    </dl>
  );
}

// ---- customer ------------------------------------------------------------------------------------------------

function AccountLinks() {
  return (
    <p>
      <a href="/account">Account</a> · <a href="/account/orders">Your orders</a> ·{' '}
      <a href="/account/subscriptions">Your subscriptions</a>
    </p>
  );
}

export function AccountLicensesPage(props: PageChrome & { licenses: LicenseSummary[] }) {
  return (
    <Layout {...props} title="Your licenses — FHIR IQ" currentPath="/account/licenses">
      <div class="container commerce-page">
        <h1>Your licenses</h1>
        <AccountLinks />
        {props.licenses.length === 0 ? (
          <p>You have no software licenses.</p>
        ) : (
          <LicenseTable items={props.licenses} href={(l) => `/account/licenses/${l.id}`} />
        )}
      </div>
    </Layout>
  );
}

export interface AccountLicensePageProps extends PageChrome {
  license: CustomerLicense;
  notice?: string | null;
  error?: string | null;
  /** What the customer typed into the form that was refused, by field id. */
  values?: Record<string, string>;
}

export function AccountLicensePage(props: AccountLicensePageProps) {
  const { license: l, csrfToken } = props;
  const base = `/account/licenses/${l.id}`;
  const values = props.values ?? {};
  const t = l.transfers;
  return (
    <Layout {...props} title={`${l.name} — your license — FHIR IQ`} currentPath="/account/licenses">
      <div class="container commerce-page">
        <p>
          <a href="/account/licenses">Your licenses</a>
        </p>
        <h1>{l.name}</h1>
        <Outcome notice={props.notice} error={props.error} />
        <Alert kind={l.status === 'ACTIVE' ? 'info' : 'error'} title={STATUS_LABELS[l.status]}>
          <p>{customerStatus(l)}</p>
        </Alert>

        <section aria-labelledby="key-heading">
          <h2 id="key-heading">License key</h2>
          <div class="form-field">
            <label for="license-key">Your license key</label>
            <p class="form-hint" id="license-key-hint">
              Select it and copy it into the software. It is shown only to you, on this page: keep it like a
              password.
            </p>
            <div class="field-control">
              <input
                id="license-key"
                type="text"
                readOnly
                value={l.key}
                size={34}
                spellcheck={false}
                autocomplete="off"
                aria-describedby="license-key-hint"
              />
            </div>
          </div>
        </section>

        <LicenseFacts license={l}>
          {l.allowedDomains.length > 0 && (
            <>
              <dt>Users must have an email at</dt>
              <dd>{l.allowedDomains.join(', ')}</dd>
            </>
          )}
          {l.allowedCountries.length > 0 && (
            <>
              <dt>Usable in</dt>
              <dd>{l.allowedCountries.join(', ')}</dd>
            </>
          )}
        </LicenseFacts>

        {l.usage.meters.length > 0 && (
          <section aria-labelledby="usage-heading">
            <h2 id="usage-heading">Usage this period</h2>
            <p>
              {l.usage.policy === 'block'
                ? 'What your plan includes each month; beyond it, use is refused until the next period.'
                : 'What your plan includes each month; use beyond it is billed at the end of the period.'}{' '}
              You are mailed at 80 % and at 100 %.
            </p>
            <UsageMeters meters={l.usage.meters} policy={l.usage.policy} />
          </section>
        )}
        {l.usage.periods.length > 0 && (
          <section aria-labelledby="usage-periods-heading">
            <h2 id="usage-periods-heading">Past usage periods</h2>
            <UsagePeriods periods={l.usage.periods} />
          </section>
        )}

        <section aria-labelledby="certificate-heading">
          <h2 id="certificate-heading">License certificate</h2>
          <p>
            A file with your license’s terms, signed by FHIR IQ, for your records or for software that checks
            the license offline. It can be verified with our published keys.
          </p>
          <p>
            <a href={`${base}/certificate`} download={`fhiriq-license-${l.id}.lic`}>
              Download the license certificate
            </a>
          </p>
        </section>

        <section aria-labelledby="machines-heading">
          <h2 id="machines-heading">
            Machines ({l.machineCount} of {l.maxMachines})
          </h2>
          <p>Deactivate a machine you no longer use to free its place for another.</p>
          <MachineTable
            machines={l.machines}
            action={(m, name) => (
              <PostForm
                action={`${base}/machines/${m.id}/deactivate`}
                csrfToken={csrfToken}
                class="inline-form"
              >
                <button type="submit" class="btn btn-secondary btn-small" aria-label={`Deactivate ${name}`}>
                  Deactivate
                </button>
              </PostForm>
            )}
          />
        </section>

        {l.type === 'SEAT' && (
          <section aria-labelledby="users-heading">
            <h2 id="users-heading">
              Named users ({l.seatsAssigned} of {l.seats} seats)
            </h2>
            <p>
              Only the people named here can use the software.{' '}
              {l.allowedDomains.length > 0 && `Their email must be at ${l.allowedDomains.join(' or ')}. `}
              Taking a seat from someone (to release it or give it to another person) is a transfer:{' '}
              <strong>
                {t.remaining} of {t.perMonth} transfers left this month
              </strong>
              , renewed on {day(t.resetsAt)}.
            </p>
            {l.namedUsers.length === 0 ? (
              <p>No seat is assigned yet.</p>
            ) : (
              <div class="table-wrap">
                <table>
                  <caption class="visually-hidden">Named users</caption>
                  <thead>
                    <tr>
                      <th scope="col">Email</th>
                      <th scope="col">
                        <span class="visually-hidden">Action</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {l.namedUsers.map((email) => (
                      <tr>
                        <td>{email}</td>
                        <td>
                          <PostForm
                            action={`${base}/seats/release`}
                            csrfToken={csrfToken}
                            class="inline-form"
                          >
                            <input type="hidden" name="email" value={email} />
                            <button
                              type="submit"
                              class="btn btn-secondary btn-small"
                              aria-label={`Release the seat of ${email}`}
                            >
                              Release
                            </button>
                          </PostForm>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}

            <h3>Assign a seat</h3>
            <PostForm action={`${base}/seats`} csrfToken={csrfToken}>
              <FormField
                id="seat-email"
                name="email"
                type="email"
                label="Email of the user"
                autocomplete="off"
                required
                maxLength={254}
                value={values['seat-email'] ?? ''}
              />
              <Button type="submit" variant="secondary">
                Assign a seat
              </Button>
            </PostForm>

            {l.namedUsers.length > 0 && (
              <>
                <h3>Transfer a seat</h3>
                <PostForm action={`${base}/seats/transfer`} csrfToken={csrfToken}>
                  <div class="form-field">
                    <label for="transfer-from">From</label>
                    <div class="field-control">
                      <select id="transfer-from" name="from">
                        {l.namedUsers.map((email) => (
                          <option value={email} selected={values['transfer-from'] === email}>
                            {email}
                          </option>
                        ))}
                      </select>
                    </div>
                  </div>
                  <FormField
                    id="transfer-to"
                    name="to"
                    type="email"
                    label="To (email of the new user)"
                    autocomplete="off"
                    required
                    maxLength={254}
                    value={values['transfer-to'] ?? ''}
                  />
                  <Button type="submit" variant="secondary">
                    Transfer the seat
                  </Button>
                </PostForm>
              </>
            )}
          </section>
        )}

        <section aria-labelledby="activity-heading">
          <h2 id="activity-heading">Recent activity</h2>
          {l.events.length === 0 ? (
            <p>Nothing yet.</p>
          ) : (
            <ol class="history">
              {l.events.map((e) => (
                <li>
                  <time datetime={e.at}>{day(e.at)}</time> {label(e.type)}
                  {e.code ? ` (${e.code})` : ''}
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
    </Layout>
  );
}

// ---- staff ---------------------------------------------------------------------------------------------------

export function AdminLicensesPage(
  props: PageChrome & {
    items: StaffLicenseSummary[];
    q: string;
    status: LicenseStatus | null;
    nextCursor: string | null;
  },
) {
  const next = new URLSearchParams({
    ...(props.q ? { q: props.q } : {}),
    ...(props.status ? { status: props.status } : {}),
    ...(props.nextCursor ? { cursor: props.nextCursor } : {}),
  });
  return (
    <Layout {...props} title="Licenses — FHIR IQ admin" currentPath="/admin/licenses">
      <div class="container admin-page">
        <h1>Licenses</h1>
        <AdminNav current="/admin/licenses" />
        <form method="get" action="/admin/licenses" class="order-search">
          <label for="license-q">Email, license id or key</label>
          <input id="license-q" name="q" type="search" value={props.q} maxLength={254} autocomplete="off" />
          <label for="license-status">Status</label>
          <select id="license-status" name="status">
            <option value="">Any</option>
            {(Object.keys(STATUS_LABELS) as LicenseStatus[]).map((s) => (
              <option value={s} selected={props.status === s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
          <button type="submit" class="btn btn-secondary">
            Search
          </button>
        </form>
        {props.items.length === 0 ? (
          <p>No licenses found.</p>
        ) : (
          <LicenseTable items={props.items} href={(l) => `/admin/licenses/${l.id}`} staff />
        )}
        {props.nextCursor && (
          <p>
            <a href={`/admin/licenses?${next}`}>Next page</a>
          </p>
        )}
      </div>
    </Layout>
  );
}

export interface AdminLicensePageProps extends PageChrome {
  license: StaffLicense;
  events: LicenseEventView[];
  /** The trail's type filter, and the event the page starts after ("older" paging). */
  type: string | null;
  before: string | null;
  nextBefore: string | null;
  canManage: boolean;
  notice?: string | null;
  error?: string | null;
}

function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
}

function ReasonField(props: { id: string; required?: boolean }) {
  return (
    <FormField
      id={props.id}
      name="reason"
      label="Reason (kept on the license’s trail and in the audit log)"
      required={props.required ?? true}
      minLength={3}
      maxLength={500}
    />
  );
}

function StaffActions(props: { license: StaffLicense; csrfToken: string | undefined }) {
  const { license: l, csrfToken } = props;
  const base = `/admin/licenses/${l.id}`;
  const moves: [action: string, heading: string, button: string, note: string][] = [];
  if (l.status === 'ACTIVE')
    moves.push([
      'suspend',
      'Suspend',
      'Suspend the license',
      'Validation answers SUSPENDED until the license is reinstated.',
    ]);
  if (l.status === 'SUSPENDED' || l.status === 'EXPIRED')
    moves.push([
      'reinstate',
      'Reinstate',
      'Reinstate the license',
      'An expired license is reinstated only with a current term: extend it first.',
    ]);
  if (l.status !== 'REVOKED')
    moves.push(['revoke', 'Revoke', 'Revoke the license', 'Revocation is final: it cannot be undone.']);
  return (
    <section aria-labelledby="actions-heading">
      <h2 id="actions-heading">Actions</h2>
      {moves.map(([action, heading, button, note]) => (
        <>
          <h3>{heading}</h3>
          <p>{note}</p>
          <PostForm action={`${base}/${action}`} csrfToken={csrfToken}>
            <ReasonField id={`${action}-reason`} />
            <Button type="submit" variant="secondary">
              {button}
            </Button>
          </PostForm>
        </>
      ))}
      {l.status !== 'REVOKED' && (
        <>
          <h3>Change the term</h3>
          <PostForm action={`${base}/extend`} csrfToken={csrfToken}>
            <FormField
              id="extend-until"
              name="validUntil"
              type="date"
              label="Valid until (the end of that day, UTC)"
              hint="Leave empty and tick “No end date” for a perpetual license."
              value={l.validUntil ? day(l.validUntil) : ''}
            />
            <div>
              <input type="checkbox" id="extend-perpetual" name="perpetual" value="1" />
              <label for="extend-perpetual">No end date (perpetual)</label>
            </div>
            <ReasonField id="extend-reason" required={false} />
            <Button type="submit" variant="secondary">
              Change the term
            </Button>
          </PostForm>
        </>
      )}
      <h3>Reset activations</h3>
      <p>Deactivates every machine (a customer who lost their old hardware).</p>
      <PostForm action={`${base}/reset-activations`} csrfToken={csrfToken}>
        <ReasonField id="reset-reason" required={false} />
        <Button type="submit" variant="secondary">
          Deactivate all machines
        </Button>
      </PostForm>
      <h3>Restrictions</h3>
      <PostForm action={`${base}/domains`} csrfToken={csrfToken}>
        <FormField
          id="domains"
          name="domains"
          label="Allowed email domains"
          hint="Comma-separated, e.g. hospital.org, clinic.org. Empty: any domain."
          maxLength={5000}
          value={l.allowedDomains.join(', ')}
        />
        <Button type="submit" variant="secondary">
          Save the domains
        </Button>
      </PostForm>
      <PostForm action={`${base}/countries`} csrfToken={csrfToken}>
        <FormField
          id="countries"
          name="countries"
          label="Allowed countries"
          hint="ISO codes, comma-separated, e.g. US, CA. Empty: any country."
          maxLength={2000}
          value={l.allowedCountries.join(', ')}
        />
        <Button type="submit" variant="secondary">
          Save the countries
        </Button>
      </PostForm>
    </section>
  );
}

export function AdminLicensePage(props: AdminLicensePageProps) {
  const { license: l } = props;
  const base = `/admin/licenses/${l.id}`;
  const filter: Record<string, string> = props.type ? { type: props.type } : {};
  const older = props.nextBefore
    ? `${base}?${new URLSearchParams({ ...filter, before: props.nextBefore })}#trail`
    : null;
  const p = l.policy;
  return (
    <Layout {...props} title={`License ${l.id} — FHIR IQ admin`} currentPath="/admin/licenses">
      <div class="container admin-page">
        <h1>{l.name}</h1>
        <AdminNav current="/admin/licenses" />
        <Outcome notice={props.notice} error={props.error} />
        <LicenseFacts license={l}>
          <dt>License</dt>
          <dd>
            <code>{l.id}</code>
          </dd>
          <dt>Status</dt>
          <dd>
            {STATUS_LABELS[l.status]}
            {l.statusReason ? `: ${l.statusReason}` : ''}
          </dd>
          <dt>Customer</dt>
          <dd>
            {l.email ?? '—'}
            {l.email && (
              <>
                {' '}
                (<a href={`/admin/orders?q=${encodeURIComponent(l.email)}`}>their orders</a>)
              </>
            )}
          </dd>
          <dt>Key</dt>
          <dd>
            <code>{l.maskedKey}</code>
          </dd>
          <dt>Issued</dt>
          <dd>
            {minute(l.createdAt)} by {l.source === 'order' ? 'an order' : 'staff'} ({l.sourceRef})
          </dd>
          <dt>Allowed email domains</dt>
          <dd>{list(l.allowedDomains, 'any')}</dd>
          <dt>Allowed countries</dt>
          <dd>{list(l.allowedCountries, 'any')}</dd>
          <dt>Seat transfers this month</dt>
          <dd>
            {l.transfers.usedThisMonth} of {l.transfers.perMonth} (staff releases do not count)
          </dd>
          <dt>Product policy ({p.productKey})</dt>
          <dd>
            {p.machinesPerSeat} machine{p.machinesPerSeat === 1 ? '' : 's'} per seat;{' '}
            {p.heartbeatWindowSeconds === null
              ? 'node-locked'
              : `floating, heartbeat every ${p.heartbeatWindowSeconds} s`}
            ; machine files valid {Math.round(p.machineFileTtlSeconds / 86_400)} days; {p.transfersPerMonth}{' '}
            transfers a month; signed with {p.signingAlg ?? 'the default key'}
          </dd>
        </LicenseFacts>

        <h2>Machines</h2>
        <MachineTable machines={l.machines} />
        {l.type === 'SEAT' && (
          <>
            <h2>Named users</h2>
            <p>{list(l.namedUsers, 'No seat is assigned.')}</p>
          </>
        )}

        <section id="trail" aria-labelledby="trail-heading">
          <h2 id="trail-heading">Trail</h2>
          <form method="get" action={`${base}#trail`} class="order-search">
            <label for="trail-type">Event</label>
            <select id="trail-type" name="type">
              <option value="">All events</option>
              {Object.entries(EVENT_LABELS).map(([type, text]) => (
                <option value={type} selected={props.type === type}>
                  {text}
                </option>
              ))}
            </select>
            <button type="submit" class="btn btn-secondary">
              Filter
            </button>
          </form>
          {props.events.length === 0 ? (
            <p>No events{props.type ? ' of this type' : ''}.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">License events, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Event</th>
                    <th scope="col">Code</th>
                    <th scope="col">Detail</th>
                    <th scope="col">IP</th>
                  </tr>
                </thead>
                <tbody>
                  {props.events.map((e) => (
                    <tr>
                      <td>
                        <time datetime={e.at.toISOString()}>{minute(e.at.toISOString())}</time>
                      </td>
                      <td>{label(e.type)}</td>
                      <td>{e.code ?? '—'}</td>
                      <td>{detailText(e.detail)}</td>
                      <td>{e.ip ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <p>
            {props.before && <a href={`${base}?${new URLSearchParams(filter)}#trail`}>Newest events</a>}
            {props.before && older && ' · '}
            {older && <a href={older}>Older events</a>}
          </p>
        </section>

        {props.canManage && <StaffActions license={l} csrfToken={props.csrfToken} />}
      </div>
    </Layout>
  );
}
