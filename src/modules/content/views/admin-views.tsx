import { AdminNav, Alert, Button, CsrfInput, Layout, type PageChrome } from '../../../web/index.ts';
import type { ContentItem } from '../content.repository.ts';
import { KINDS, type Kind } from '../domain/front-matter.ts';
import { pathOf, STATUSES, type Status } from '../domain/rules.ts';

/** The staff console's content pages: the list, filters and "new" links. The editor is in editor-views.tsx. */

export const KIND_LABELS: Record<Kind, string> = {
  post: 'Blog post',
  case_study: 'Case study',
  episode: 'Podcast episode',
  show: 'Podcast show',
  doc: 'Docs page',
  page: 'Site page',
  author: 'Author',
};

export const STATUS_LABELS: Record<Status, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  published: 'Published',
  archived: 'Archived',
};

const stamp = (d: Date | null) => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '—');

export function StatusText(props: { status: Status; publishAt: Date | null }) {
  if (props.status === 'scheduled') return <>Scheduled for {stamp(props.publishAt)}</>;
  return <>{STATUS_LABELS[props.status]}</>;
}

export interface ContentListProps extends PageChrome {
  items: { item: ContentItem; effective: Status }[];
  total: number;
  kind: Kind | null;
  status: Status | null;
  canManage: boolean;
}

export function ContentListPage(props: ContentListProps) {
  return (
    <Layout {...props} title="Content — FHIR IQ admin" currentPath="/admin/content" robots="noindex">
      <div class="container admin-page stack">
        <h1>Content</h1>
        <AdminNav current="/admin/content" />
        <form method="get" action="/admin/content" class="inline-form" aria-label="Filter">
          <div class="form-field">
            <label for="filter-kind">Kind</label>
            <select id="filter-kind" name="kind">
              <option value="">All kinds</option>
              {KINDS.map((k) => (
                <option value={k} selected={props.kind === k} key={k}>
                  {KIND_LABELS[k]}
                </option>
              ))}
            </select>
          </div>
          <div class="form-field">
            <label for="filter-status">Status</label>
            <select id="filter-status" name="status">
              <option value="">All statuses</option>
              {STATUSES.map((s) => (
                <option value={s} selected={props.status === s} key={s}>
                  {STATUS_LABELS[s]}
                </option>
              ))}
            </select>
          </div>
          <Button type="submit" variant="secondary">
            Filter
          </Button>
        </form>
        {props.canManage && (
          <nav aria-label="New content">
            <ul class="new-content">
              {KINDS.map((k) => (
                <li key={k}>
                  <a href={`/admin/content/new?kind=${k}`}>New {KIND_LABELS[k].toLowerCase()}</a>
                </li>
              ))}
              <li>
                <a href="/admin/content/media">Images</a>
              </li>
            </ul>
          </nav>
        )}
        <p>
          {props.total} {props.total === 1 ? 'item' : 'items'}
          {props.total > props.items.length && ` (the ${props.items.length} most recently changed shown)`}
        </p>
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Content items, most recently changed first</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Changed</th>
                <th scope="col">Source</th>
              </tr>
            </thead>
            <tbody>
              {props.items.map(({ item, effective }) => {
                const path = pathOf(item.kind, item.slug);
                return (
                  <tr key={item.id}>
                    <td>
                      <a href={`/admin/content/${item.id}`}>{item.title}</a>
                      <br />
                      <code>{path ?? item.slug}</code>
                    </td>
                    <td>{KIND_LABELS[item.kind]}</td>
                    <td>
                      <StatusText status={effective} publishAt={item.publishAt} />
                    </td>
                    <td>{stamp(item.updatedAt)}</td>
                    <td>
                      {item.sourcePath ? (item.staffEditedAt ? 'File, edited by staff' : 'File') : 'Staff'}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </div>
    </Layout>
  );
}

export interface MediaPageProps extends PageChrome {
  media: {
    id: string;
    src: string;
    name: string;
    width: number;
    height: number;
    size: number;
    by: string;
    at: Date;
  }[];
  notice: string | null;
  error: string | null;
  canManage: boolean;
}

export function MediaPage(props: MediaPageProps) {
  return (
    <Layout {...props} title="Images — FHIR IQ admin" currentPath="/admin/content" robots="noindex">
      <div class="container admin-page stack">
        <h1>Images</h1>
        <AdminNav current="/admin/content" />
        <p>
          <a href="/admin/content">Back to content</a>
        </p>
        {props.notice && <Alert kind="success">{props.notice}</Alert>}
        {props.error && <Alert kind="error">{props.error}</Alert>}
        {props.canManage && (
          <section class="card">
            <h2 class="card-title">Upload an image</h2>
            {/* The token comes first: the server checks it before it reads the image. */}
            <form
              method="post"
              action="/admin/content/media"
              enctype="multipart/form-data"
              class="form"
              aria-label="Upload"
            >
              {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
              <div class="form-field">
                <label for="field-file">PNG, JPEG or WebP, at most 10 MB</label>
                <input
                  id="field-file"
                  name="file"
                  type="file"
                  accept="image/png,image/jpeg,image/webp"
                  required
                />
              </div>
              <div class="actions">
                <Button type="submit">Upload</Button>
              </div>
            </form>
          </section>
        )}
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">Uploaded images, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Use as</th>
                <th scope="col">File</th>
                <th scope="col">Size</th>
                <th scope="col">Uploaded</th>
              </tr>
            </thead>
            <tbody>
              {props.media.map((m) => (
                <tr key={m.id}>
                  <td>
                    <code>{m.src}</code>
                  </td>
                  <td>{m.name}</td>
                  <td>
                    {m.width}×{m.height}, {Math.ceil(m.size / 1024)} KB
                  </td>
                  <td>
                    {stamp(m.at)} by {m.by}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </Layout>
  );
}
