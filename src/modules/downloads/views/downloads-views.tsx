import {
  AdminNav,
  Alert,
  Button,
  CsrfInput,
  FormField,
  Layout,
  type PageChrome,
} from '../../../web/index.ts';
import { formatBytes, NOTES_MAX, PLATFORM_LABELS, PLATFORMS } from '../domain/release.ts';
import type { ProductDownloads, ProductRef } from '../downloads.service.ts';
import type { ReleaseRow } from '../downloads.tables.ts';

/** The customer's downloads page and the staff console's releases page. */

const day = (d: Date) => new Date(d).toISOString().slice(0, 10);

/** Release notes as written (Markdown is not rendered): escaped by preact, line breaks kept. */
function Notes(props: { text: string }) {
  return (
    <p class="release-notes">
      {props.text.split('\n').map((line, i) => (
        <>
          {i > 0 && <br />}
          {line}
        </>
      ))}
    </p>
  );
}

export function AccountDownloadsPage(props: PageChrome & { products: readonly ProductDownloads[] }) {
  return (
    <Layout {...props} title="Downloads" currentPath="/account/downloads">
      <div class="container stack">
        <p>
          <a href="/account">Your account</a>
        </p>
        <h1>Downloads</h1>
        {props.products.length === 0 ? (
          <p>
            Downloads appear here for the products you hold an active license of. See{' '}
            <a href="/account/licenses">your licenses</a>.
          </p>
        ) : (
          props.products.map((p) => (
            <section class="card">
              <h2 class="card-title">{p.product.name}</h2>
              {p.releases.length === 0 ? (
                <p>No release is available yet.</p>
              ) : (
                <ol class="stack release-list">
                  {p.releases.map((r) => (
                    <li>
                      <h3>
                        {r.release.version} · {PLATFORM_LABELS[r.release.platform]}
                      </h3>
                      <dl class="facts">
                        <dt>File</dt>
                        <dd>
                          <a href={r.link.url} download={r.release.file_name}>
                            {r.release.file_name}
                          </a>{' '}
                          ({formatBytes(r.size)})
                        </dd>
                        <dt>SHA-256</dt>
                        <dd>
                          <code>{r.release.sha256}</code>
                        </dd>
                        <dt>Released</dt>
                        <dd>{day(r.release.created_at)}</dd>
                      </dl>
                      {r.release.notes && <Notes text={r.release.notes} />}
                    </li>
                  ))}
                </ol>
              )}
            </section>
          ))
        )}
        <p>Download links work for five minutes: reload this page for fresh ones.</p>
      </div>
    </Layout>
  );
}

export interface UploadFormState {
  productKey: string;
  version: string;
  platform: string;
  notes: string;
  error: string | null;
}

export function AdminReleasesPage(
  props: PageChrome & {
    releases: readonly (ReleaseRow & { downloads: number })[];
    products: readonly ProductRef[];
    canManage: boolean;
    form: UploadFormState;
    notice: string | null;
    maxBytes: number;
  },
) {
  const { form } = props;
  const name = (key: string) => props.products.find((p) => p.key === key)?.name ?? key;
  return (
    <Layout {...props} title="Releases — FHIR IQ admin" currentPath="/admin/releases">
      <div class="container admin-page stack">
        <h1>Releases</h1>
        <AdminNav current="/admin/releases" />
        {props.notice && <Alert kind="success">{props.notice}</Alert>}
        {form.error && <Alert kind="error">{form.error}</Alert>}
        <div class="table-wrap">
          <table class="order-list">
            <caption class="visually-hidden">Releases, newest upload first</caption>
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Version</th>
                <th scope="col">Platform</th>
                <th scope="col">File</th>
                <th scope="col" class="num">
                  Size
                </th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Downloads
                </th>
                <th scope="col">Uploaded</th>
                {props.canManage && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {props.releases.map((r) => (
                <tr>
                  <td>{name(r.product_key)}</td>
                  <td>{r.version}</td>
                  <td>{PLATFORM_LABELS[r.platform]}</td>
                  <td>
                    {r.file_name}
                    <br />
                    <code>{r.sha256}</code>
                  </td>
                  <td class="num">{formatBytes(Number(r.size_bytes))}</td>
                  <td>{r.status === 'published' ? 'Published' : 'Unpublished'}</td>
                  <td class="num">{r.downloads}</td>
                  <td>
                    {day(r.created_at)} by {r.uploaded_by_email}
                  </td>
                  {props.canManage && (
                    <td>
                      {r.status === 'published' && (
                        <form method="post" action={`/admin/releases/${r.id}/unpublish`}>
                          {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
                          <Button type="submit" variant="secondary">
                            Unpublish
                          </Button>
                        </form>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {props.canManage && (
          <section class="card">
            <h2 class="card-title">Upload a release</h2>
            {/* The token comes first: the server checks it before it stores a byte of the file. */}
            <form
              method="post"
              action="/admin/releases"
              enctype="multipart/form-data"
              class="form"
              aria-label="Upload"
            >
              {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
              <div class="form-field">
                <label for="field-productKey">Product</label>
                <select id="field-productKey" name="productKey" required>
                  {props.products.map((p) => (
                    <option value={p.key} selected={form.productKey === p.key}>
                      {p.name} ({p.key})
                    </option>
                  ))}
                </select>
              </div>
              <FormField
                name="version"
                label="Version"
                required
                maxLength={64}
                value={form.version}
                hint="Such as 1.4.2 or 2.0.0-beta.1."
              />
              <div class="form-field">
                <label for="field-platform">Platform</label>
                <select id="field-platform" name="platform">
                  {PLATFORMS.map((p) => (
                    <option value={p} selected={form.platform === p}>
                      {PLATFORM_LABELS[p]}
                    </option>
                  ))}
                </select>
              </div>
              <div class="form-field">
                <label for="field-notes">
                  Release notes<span class="optional"> (optional)</span>
                </label>
                <textarea id="field-notes" name="notes" rows={6} maxLength={NOTES_MAX}>
                  {form.notes}
                </textarea>
              </div>
              <div class="form-field">
                <label for="field-file">File (at most {formatBytes(props.maxBytes)})</label>
                <input id="field-file" name="file" type="file" required />
              </div>
              <div class="actions">
                <Button type="submit">Upload</Button>
              </div>
            </form>
          </section>
        )}
      </div>
    </Layout>
  );
}
