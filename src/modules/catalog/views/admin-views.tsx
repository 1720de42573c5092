import { AdminNav, Layout, type PageChrome } from '../../../web/index.ts';
import type { QuoteRow } from '../catalog.tables.ts';
import type { CatalogIssue } from '../domain/checker.ts';

const fmt = (d: Date) => new Date(d).toISOString().replace('T', ' ').slice(0, 16);

/** /admin/quotes: the leads from contact-sales items, newest first. */
export function QuotesPage(props: PageChrome & { quotes: QuoteRow[] }) {
  return (
    <Layout {...props} title="Quote requests — FHIR IQ admin" currentPath="/admin/quotes">
      <div class="container admin-page">
        <h1>Quote requests</h1>
        <AdminNav current="/admin/quotes" />
        <p>
          <a href="/admin">Admin</a> · <a href="/admin/catalog">Catalog check</a>
        </p>
        <table>
          <caption>Newest first</caption>
          <thead>
            <tr>
              <th scope="col">Received</th>
              <th scope="col">Item</th>
              <th scope="col">From</th>
              <th scope="col">Message</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {props.quotes.length === 0 && (
              <tr>
                <td colSpan={5}>No quote requests yet.</td>
              </tr>
            )}
            {props.quotes.map((q) => (
              <tr>
                <td>{fmt(q.created_at)}</td>
                <td>{q.sku}</td>
                <td>
                  {q.name}
                  <br />
                  <a href={`mailto:${q.email}`}>{q.email}</a>
                  {q.organization && (
                    <>
                      <br />
                      {q.organization}
                    </>
                  )}
                </td>
                <td class="quote-message">{q.message}</td>
                <td>{q.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

/** /admin/catalog: what the checker finds, so staff see the seed's overpriced bundles instead of customers. */
export function CatalogIssuesPage(props: PageChrome & { issues: CatalogIssue[] }) {
  return (
    <Layout {...props} title="Catalog check — FHIR IQ admin" currentPath="/admin/catalog">
      <div class="container admin-page">
        <h1>Catalog check</h1>
        <AdminNav current="/admin/catalog" />
        <p>
          <a href="/admin">Admin</a> · <a href="/admin/quotes">Quote requests</a>
        </p>
        <p>
          Errors block an edit; warnings are commercial problems to fix. Edit prices and SKUs through the
          admin API (<code>/api/v1/admin/catalog/…</code>).
        </p>
        <table>
          <caption>{props.issues.length === 0 ? 'No issues' : `${props.issues.length} issues`}</caption>
          <thead>
            <tr>
              <th scope="col">Severity</th>
              <th scope="col">Subject</th>
              <th scope="col">Issue</th>
            </tr>
          </thead>
          <tbody>
            {props.issues.map((i) => (
              <tr>
                <td>{i.severity}</td>
                <td>
                  {i.subject}
                  {i.currency ? ` (${i.currency})` : ''}
                </td>
                <td>{i.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}
