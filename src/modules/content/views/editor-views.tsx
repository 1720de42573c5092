import {
  AdminNav,
  Alert,
  Button,
  CsrfInput,
  FormField,
  Layout,
  type PageChrome,
} from '../../../web/index.ts';
import type { ContentItem } from '../content.repository.ts';
import type { RevisionRow } from '../content.tables.ts';
import { type FieldDef, FORM_FIELDS, fieldName } from '../domain/form-fields.ts';
import type { Kind } from '../domain/front-matter.ts';
import { canMove, pathOf, type Status } from '../domain/rules.ts';
import { KIND_LABELS, StatusText } from './admin-views.tsx';

/** The editor: one form for the text and the kind's fields, and the status moves beside it. */

export interface EditorValues {
  slug: string;
  title: string;
  description: string;
  body: string;
  /** Front matter fields by form name (`fm.date`, `fm.image.src`). */
  fm: Record<string, string>;
}

export interface EditorProps extends PageChrome {
  kind: Kind;
  item: ContentItem | null;
  effective: Status | null;
  values: EditorValues;
  errors: Record<string, string>;
  error: string | null;
  notice: string | null;
  authors: { key: string; name: string }[];
  revisions: RevisionRow[];
  oldSlugs: string[];
  canManage: boolean;
  status: number;
}

function Field(props: {
  def: FieldDef;
  values: EditorValues;
  errors: Record<string, string>;
  authors: EditorProps['authors'];
}) {
  const { def, values, errors } = props;
  const name = fieldName(def.key);
  const value = values.fm[name] ?? '';
  const label = def.label;
  if (def.type === 'image') {
    const src = fieldName(def.key, 'src');
    const alt = fieldName(def.key, 'alt');
    return (
      <fieldset class="image-fields">
        <legend>{label}</legend>
        <FormField
          name={src}
          label="Source"
          value={values.fm[src] ?? ''}
          required={def.required}
          hint={def.hint}
          error={errors[src]}
          maxLength={200}
        />
        <FormField
          name={alt}
          label="Description (alt text)"
          value={values.fm[alt] ?? ''}
          required={def.required}
          error={errors[alt]}
          maxLength={300}
        />
      </fieldset>
    );
  }
  if (def.type === 'checkbox') {
    return (
      <div class="form-field checkbox-field">
        <input id={`field-${name}`} name={name} type="checkbox" checked={value !== ''} />
        <label for={`field-${name}`}>{label}</label>
      </div>
    );
  }
  if (def.type === 'select') {
    const id = `field-${name}`;
    return (
      <div class={errors[name] ? 'form-field has-error' : 'form-field'}>
        <label for={id}>{label}</label>
        {errors[name] && (
          <p class="form-error" id={`${id}-error`}>
            <span class="visually-hidden">Error: </span>
            {errors[name]}
          </p>
        )}
        <select
          id={id}
          name={name}
          required={def.required}
          aria-describedby={errors[name] ? `${id}-error` : undefined}
        >
          <option value="">Choose…</option>
          {props.authors.map((a) => (
            <option value={a.key} selected={a.key === value} key={a.key}>
              {a.name}
            </option>
          ))}
        </select>
      </div>
    );
  }
  if (def.type === 'pairs')
    return (
      <TextArea
        name={name}
        label={label}
        value={value}
        rows={4}
        hint={def.hint}
        error={errors[name]}
        required={def.required}
      />
    );
  const type = def.type === 'tags' ? 'text' : def.type;
  return (
    <FormField
      name={name}
      label={label}
      type={type}
      value={value}
      required={def.required}
      hint={def.hint}
      error={errors[name]}
    />
  );
}

function TextArea(props: {
  name: string;
  label: string;
  value: string;
  rows: number;
  hint?: string;
  error?: string;
  required?: boolean;
  code?: boolean;
}) {
  const id = `field-${props.name}`;
  const described =
    [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={props.error ? 'form-field has-error' : 'form-field'}>
      <label for={id}>
        {props.label}
        {!props.required && <span class="optional"> (optional)</span>}
      </label>
      {props.hint && (
        <p class="form-hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="form-error" id={`${id}-error`}>
          <span class="visually-hidden">Error: </span>
          {props.error}
        </p>
      )}
      <textarea
        id={id}
        name={props.name}
        rows={props.rows}
        class={props.code ? 'code-input' : undefined}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={described}
      >
        {props.value}
      </textarea>
    </div>
  );
}

function Moves(props: { item: ContentItem; effective: Status; csrfToken: string | undefined }) {
  const { item, effective } = props;
  const form = (move: string, label: string, variant: 'primary' | 'secondary' = 'secondary') => (
    <form method="post" action={`/admin/content/${item.id}/${move}`} key={move}>
      {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
      <Button type="submit" variant={variant}>
        {label}
      </Button>
    </form>
  );
  return (
    <div class="stack">
      {canMove(effective, 'publish') && form('publish', 'Publish now', 'primary')}
      {canMove(effective, 'schedule') && (
        <form method="post" action={`/admin/content/${item.id}/schedule`} class="stack">
          {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
          <div class="form-field">
            <label for="field-publishAt">Publish at (UTC)</label>
            <input id="field-publishAt" name="publishAt" type="datetime-local" required />
          </div>
          <Button type="submit" variant="secondary">
            Schedule
          </Button>
        </form>
      )}
      {canMove(effective, 'unpublish') &&
        form('unpublish', effective === 'archived' ? 'Back to draft' : 'Unpublish')}
      {canMove(effective, 'archive') && form('archive', 'Archive')}
    </div>
  );
}

export function EditorPage(props: EditorProps) {
  const { item, kind, values, errors } = props;
  const path = item ? pathOf(item.kind, item.slug) : null;
  const title = item ? `Edit: ${item.title}` : `New ${KIND_LABELS[kind].toLowerCase()}`;
  const slugHint =
    kind === 'doc'
      ? '<tool>/<page>: the tool’s first page is <tool>/index'
      : 'Lowercase letters, digits and hyphens. Changing it redirects the old URL here.';
  return (
    <Layout {...props} title={`${title} — FHIR IQ admin`} currentPath="/admin/content" robots="noindex">
      <div class="container admin-page stack">
        <h1>{title}</h1>
        <AdminNav current="/admin/content" />
        <p>
          <a href="/admin/content">Back to content</a>
        </p>
        {props.notice && <Alert kind="success">{props.notice}</Alert>}
        {props.error && <Alert kind="error">{props.error}</Alert>}
        <div class="editor-layout">
          <form
            method="post"
            action={item ? `/admin/content/${item.id}` : '/admin/content'}
            class="stack editor-form"
            aria-label="Content"
          >
            {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
            {!item && <input type="hidden" name="kind" value={kind} />}
            {item && <input type="hidden" name="expectedVersion" value={String(item.version)} />}
            <FormField
              name="title"
              label={kind === 'author' ? 'Name' : 'Title'}
              value={values.title}
              required
              maxLength={200}
              error={errors.title}
            />
            <FormField
              name="slug"
              label={kind === 'author' ? 'Key' : 'Slug'}
              value={values.slug}
              required
              maxLength={161}
              hint={slugHint}
              error={errors.slug}
            />
            <TextArea
              name="description"
              label={kind === 'author' ? 'Role' : 'Description'}
              value={values.description}
              rows={2}
              error={errors.description}
              hint={kind === 'post' ? 'At most 160 characters: search results show it.' : undefined}
            />
            {FORM_FIELDS[kind].map((def) => (
              <Field def={def} values={values} errors={errors} authors={props.authors} key={def.key} />
            ))}
            <TextArea
              name="body"
              label="Body (Markdown)"
              value={values.body}
              rows={24}
              code
              error={errors.body}
              hint="Fenced code blocks with a language (```json) are highlighted. Raw HTML is shown as text."
            />
            {props.canManage && (
              <div class="actions">
                <Button type="submit">{item ? 'Save' : 'Save draft'}</Button>
              </div>
            )}
          </form>
          {item && props.effective && (
            <aside class="stack editor-side" aria-label="Status">
              <section class="card">
                <h2 class="card-title">Status</h2>
                <p>
                  <StatusText status={props.effective} publishAt={item.publishAt} /> · version {item.version}
                </p>
                <p>
                  <a href={`/admin/content/${item.id}/preview`}>Preview</a>
                  {path && props.effective === 'published' && (
                    <>
                      {' · '}
                      <a href={path}>View on the site</a>
                    </>
                  )}
                </p>
                {props.canManage && (
                  <Moves item={item} effective={props.effective} csrfToken={props.csrfToken} />
                )}
                {props.oldSlugs.length > 0 && (
                  <p>Former slugs (redirected here): {props.oldSlugs.join(', ')}</p>
                )}
                {item.sourcePath && (
                  <p>
                    From <code>content/{item.sourcePath}</code>
                    {item.staffEditedAt
                      ? ': edited here, so the file no longer updates it.'
                      : ': a change to the file updates it until someone edits it here.'}
                  </p>
                )}
              </section>
              <section class="card">
                <h2 class="card-title">Revisions</h2>
                <ol class="revisions" reversed>
                  {props.revisions.map((r) => (
                    <li key={r.version}>
                      <a href={`/admin/content/${item.id}/revisions/${r.version}`}>Version {r.version}</a> ·{' '}
                      {r.action} · {r.actor_email ?? 'file'} ·{' '}
                      {r.created_at.toISOString().slice(0, 16).replace('T', ' ')}
                      {props.canManage && r.version !== item.version && (
                        <form
                          method="post"
                          action={`/admin/content/${item.id}/revisions/${r.version}/restore`}
                          class="inline"
                        >
                          {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
                          <button type="submit" class="btn btn-secondary btn-small">
                            Restore<span class="visually-hidden"> version {r.version}</span>
                          </button>
                        </form>
                      )}
                    </li>
                  ))}
                </ol>
              </section>
            </aside>
          )}
        </div>
      </div>
    </Layout>
  );
}

export function RevisionPage(props: PageChrome & { item: ContentItem; revision: RevisionRow }) {
  const r = props.revision;
  return (
    <Layout
      {...props}
      title={`Version ${r.version} of ${props.item.title} — FHIR IQ admin`}
      currentPath="/admin/content"
      robots="noindex"
    >
      <div class="container admin-page stack">
        <h1>
          Version {r.version} of “{props.item.title}”
        </h1>
        <AdminNav current="/admin/content" />
        <p>
          <a href={`/admin/content/${props.item.id}`}>Back to the editor</a>
        </p>
        <dl class="details">
          <dt>Saved</dt>
          <dd>
            {r.created_at.toISOString().slice(0, 16).replace('T', ' ')} UTC by{' '}
            {r.actor_email ?? 'a file under content/'} ({r.action})
          </dd>
          <dt>Slug</dt>
          <dd>{r.slug}</dd>
          <dt>Title</dt>
          <dd>{r.title}</dd>
          <dt>Description</dt>
          <dd>{r.description}</dd>
        </dl>
        <h2>Front matter</h2>
        <pre class="code-block" tabindex={0}>
          {JSON.stringify(
            typeof r.front_matter === 'string' ? JSON.parse(r.front_matter) : r.front_matter,
            null,
            2,
          )}
        </pre>
        <h2>Body</h2>
        <pre class="code-block revision-body" tabindex={0}>
          {r.body}
        </pre>
      </div>
    </Layout>
  );
}
