import { AdminNav, Alert, CsrfInput, Layout, type PageChrome } from '../../../web/index.ts';
import type { QuoteRow } from '../catalog.tables.ts';
import type { CatalogIssue } from '../domain/checker.ts';
import { nextStatuses, STATUS_NOTE_MAX } from '../domain/quote-status.ts';
import { type ProductDef, TYPES_OF_KIND } from '../domain/types.ts';

const fmt = (d: Date) => new Date(d).toISOString().replace('T', ' ').slice(0, 16);

const STATUS_LABELS: Record<string, string> = {
  new: 'New',
  contacted: 'Contacted',
  won: 'Won',
  lost: 'Lost',
};

/** The move form of one request: next status and a note, posted with the page's CSRF token. */
function StatusForm(props: { quote: QuoteRow; csrfToken: string }) {
  const q = props.quote;
  const next = nextStatuses(q.status);
  if (next.length === 0) return null;
  const who = ` for the request from ${q.name}`;
  return (
    <form method="post" action={`/admin/quotes/${q.id}/status`} class="quote-status-form">
      <CsrfInput token={props.csrfToken} />
      <div class="form-field">
        <label for={`status-${q.id}`}>
          Move to<span class="visually-hidden">{who}</span>
        </label>
        <select id={`status-${q.id}`} name="status">
          {next.map((s) => (
            <option value={s}>{STATUS_LABELS[s] ?? s}</option>
          ))}
        </select>
      </div>
      <div class="form-field">
        <label for={`note-${q.id}`}>
          Note<span class="visually-hidden">{who}</span> <span class="optional">(optional)</span>
        </label>
        <textarea id={`note-${q.id}`} name="note" rows={2} maxLength={STATUS_NOTE_MAX} />
      </div>
      <button type="submit" class="btn btn-secondary">
        Update<span class="visually-hidden">{who}</span>
      </button>
    </form>
  );
}

/** /admin/quotes: the leads from contact-sales items, newest first, and their pipeline status. */
export function QuotesPage(
  props: PageChrome & {
    quotes: QuoteRow[];
    canManage: boolean;
    notice?: string | null;
    error?: string | null;
  },
) {
  return (
    <Layout {...props} title="Quote requests — FHIR IQ admin" currentPath="/admin/quotes">
      <div class="container admin-page">
        <h1>Quote requests</h1>
        <AdminNav current="/admin/quotes" />
        {props.notice && <Alert kind="success">{props.notice}</Alert>}
        {props.error && <Alert kind="error">{props.error}</Alert>}
        <p>
          <a href="/admin">Admin</a> · <a href="/admin/catalog">Catalog check</a>
        </p>
        <p>A request goes from new to contacted, then won or lost (final).</p>
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
              <tr id={`quote-${q.id}`}>
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
                <td>
                  <strong class="quote-status">{STATUS_LABELS[q.status] ?? q.status}</strong>
                  {q.status_changed_at && (
                    <p class="form-hint">
                      {fmt(q.status_changed_at)}
                      {q.status_changed_by ? ` by ${q.status_changed_by}` : ''}
                      {q.status_note ? `: ${q.status_note}` : ''}
                    </p>
                  )}
                  {props.canManage && <StatusForm quote={q} csrfToken={props.csrfToken ?? ''} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

const TYPE_LABELS: Record<ProductDef['type'], string> = {
  desktop_software: 'Desktop software (download, install, activate)',
  web_service: 'Web service (hosted: sign in, enter the key)',
  training_course: 'Training course',
  consulting: 'Consulting',
  bundle: 'Bundle (each part by its own type)',
};

/** Each product's delivery type, changeable where its kind allows another (tools). */
function ProductTypes(props: { products: readonly ProductDef[]; csrfToken: string }) {
  return (
    <section aria-labelledby="product-types">
      <h2 id="product-types">How each product is delivered</h2>
      <p>
        The type gives the activation steps of the “your purchase is ready” mail and the onboarding mails.
      </p>
      <table>
        <caption class="visually-hidden">Products and their delivery types</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Type</th>
          </tr>
        </thead>
        <tbody>
          {props.products.map((p) => {
            const choices = TYPES_OF_KIND[p.kind];
            return (
              <tr id={`product-${p.key}`}>
                <td>
                  {p.name} <span class="sku-code">{p.key}</span>
                </td>
                <td>
                  {choices.length < 2 ? (
                    TYPE_LABELS[p.type]
                  ) : (
                    <form method="post" action={`/admin/catalog/products/${p.key}`} class="inline-form">
                      <CsrfInput token={props.csrfToken} />
                      <label for={`type-${p.key}`} class="visually-hidden">
                        Delivery type of {p.name}
                      </label>
                      <select id={`type-${p.key}`} name="type">
                        {choices.map((t) => (
                          <option value={t} selected={t === p.type}>
                            {TYPE_LABELS[t]}
                          </option>
                        ))}
                      </select>
                      <button type="submit" class="btn btn-secondary btn-small">
                        Save<span class="visually-hidden"> the type of {p.name}</span>
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

/** /admin/catalog: what the checker finds, so staff see the seed's overpriced bundles instead of customers. */
export function CatalogIssuesPage(
  props: PageChrome & {
    issues: CatalogIssue[];
    products: readonly ProductDef[];
    notice?: string | null;
    error?: string | null;
  },
) {
  return (
    <Layout {...props} title="Catalog check — FHIR IQ admin" currentPath="/admin/catalog">
      <div class="container admin-page">
        <h1>Catalog check</h1>
        <AdminNav current="/admin/catalog" />
        {props.notice && <Alert kind="success">{props.notice}</Alert>}
        {props.error && <Alert kind="error">{props.error}</Alert>}
        <p>
          <a href="/admin">Admin</a> · <a href="/admin/quotes">Quote requests</a> ·{' '}
          <a href="/admin/catalog/marketing">Product pages</a> (what each page says, outlines, workshops, FAQ)
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
        <ProductTypes products={props.products} csrfToken={props.csrfToken ?? ''} />
      </div>
    </Layout>
  );
}
