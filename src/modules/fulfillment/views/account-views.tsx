import { Layout, type PageChrome } from '../../../web/index.ts';
import type { AllocationWithEntries } from '../consulting.service.ts';
import { balanceOf, formatHours } from '../domain/consulting.ts';
import { allocationStatus, dateOnly, enrollmentStatus } from '../fulfillment.schema.ts';
import type { EnrollmentRow } from '../fulfillment.tables.ts';

/** The customer's training and consulting pages (/account/training, /account/consulting). */

const day = (d: Date | null) => (d ? new Date(d).toISOString().slice(0, 10) : '—');

const ENROLLMENT_STATUS = {
  active: 'Active',
  revoked: 'Revoked (refunded)',
  expired: 'Access ended',
} as const;
const ALLOCATION_STATUS = { active: 'Active', canceled: 'Canceled (refunded)', expired: 'Expired' } as const;

function AccountLinks() {
  return (
    <p>
      <a href="/account">Account</a> · <a href="/account/orders">Your orders</a> ·{' '}
      <a href="/account/licenses">Your licenses</a> · <a href="/account/training">Your training</a> ·{' '}
      <a href="/account/consulting">Your consulting hours</a>
    </p>
  );
}

export function AccountTrainingPage(
  props: PageChrome & { enrollments: { row: EnrollmentRow; accessKey: string }[]; now: Date },
) {
  return (
    <Layout {...props} title="Your training — FHIR IQ" currentPath="/account/training">
      <div class="container commerce-page">
        <h1>Your training</h1>
        <AccountLinks />
        {props.enrollments.length === 0 ? (
          <p>You have no course enrollments yet.</p>
        ) : (
          <div class="table-wrap">
            <table class="order-list">
              <caption class="visually-hidden">Your course enrollments, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Course</th>
                  <th scope="col">Seats</th>
                  <th scope="col">Access</th>
                  <th scope="col">Access key</th>
                  <th scope="col">Status</th>
                </tr>
              </thead>
              <tbody>
                {props.enrollments.map(({ row, accessKey }) => (
                  <tr>
                    <td>
                      {row.name}
                      <br />
                      <span class="sku-code">{row.sku}</span>
                    </td>
                    <td>{row.seats}</td>
                    <td>{row.valid_until ? `Until ${day(row.valid_until)}` : 'Lifetime'}</td>
                    <td>
                      <code>{accessKey}</code>
                    </td>
                    <td>{ENROLLMENT_STATUS[enrollmentStatus(row, props.now)]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p>Keep your access keys to yourself: each one opens the course for the seats you bought.</p>
      </div>
    </Layout>
  );
}

export function AllocationFacts(props: { a: AllocationWithEntries['allocation']; now: Date }) {
  const { a } = props;
  const b = balanceOf(a);
  return (
    <dl class="facts">
      <dt>Status</dt>
      <dd>{ALLOCATION_STATUS[allocationStatus(a, props.now)]}</dd>
      {b.allocated === null ? (
        <>
          <dt>Engagement</dt>
          <dd>Fixed scope: no hours to count down</dd>
        </>
      ) : (
        <>
          <dt>Hours bought</dt>
          <dd>{formatHours(b.allocated)}</dd>
          <dt>Hours used</dt>
          <dd>{formatHours(b.used)}</dd>
          {b.canceled > 0 && (
            <>
              <dt>Hours canceled by a refund</dt>
              <dd>{formatHours(b.canceled)}</dd>
            </>
          )}
          <dt>Balance</dt>
          <dd>
            <strong>{formatHours(b.remaining ?? 0)}</strong>
          </dd>
        </>
      )}
      <dt>Use by</dt>
      <dd>{a.expires_at ? day(a.expires_at) : 'No expiry'}</dd>
    </dl>
  );
}

export function EntriesTable(props: { entries: AllocationWithEntries['entries']; staff?: boolean }) {
  if (!props.entries.length) return <p>No time recorded yet.</p>;
  return (
    <div class="table-wrap">
      <table class="order-list">
        <caption class="visually-hidden">Time recorded, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col" class="num">
              Hours
            </th>
            <th scope="col">Note</th>
            {props.staff && <th scope="col">Recorded by</th>}
          </tr>
        </thead>
        <tbody>
          {props.entries.map((e) => (
            <tr>
              <td>{dateOnly(e.work_date)}</td>
              <td class="num">{formatHours(e.minutes)}</td>
              <td>{e.note}</td>
              {props.staff && <td>{e.recorded_by_email}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function AccountConsultingPage(
  props: PageChrome & { allocations: AllocationWithEntries[]; now: Date; bookingUrl: string },
) {
  return (
    <Layout {...props} title="Your consulting hours — FHIR IQ" currentPath="/account/consulting">
      <div class="container commerce-page">
        <h1>Your consulting hours</h1>
        <AccountLinks />
        {props.allocations.length > 0 && (
          <p>
            <a class="btn btn-primary" href={props.bookingUrl}>
              Book a session
            </a>
          </p>
        )}
        {props.allocations.length === 0 ? (
          <p>You have no consulting hours or engagements yet.</p>
        ) : (
          props.allocations.map(({ allocation, entries }) => (
            <section aria-labelledby={`alloc-${allocation.id}`}>
              <h2 id={`alloc-${allocation.id}`}>{allocation.name}</h2>
              <AllocationFacts a={allocation} now={props.now} />
              <h3>Time recorded</h3>
              <EntriesTable entries={entries} />
            </section>
          ))
        )}
      </div>
    </Layout>
  );
}
