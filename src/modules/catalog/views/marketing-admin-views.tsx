import type { ComponentChildren } from 'preact';
import { AdminNav, Alert, CsrfInput, Layout, type PageChrome } from '../../../web/index.ts';
import type { CourseSessionDef, FaqTopic, InstructorDef } from '../domain/marketing.ts';
import { BLANK_ROWS, type FormErrors, type FormValues } from '../domain/marketing-form.ts';
import type { ProductDef } from '../domain/types.ts';

/**
 * The console's pages over what product pages say besides prices (/admin/catalog/marketing):
 * server-rendered forms, no script; every field labelled, hints and errors tied to their field
 * (aria-describedby, aria-invalid), groups in fieldsets with legends.
 */

const BASE = '/admin/catalog/marketing';
export const FAQ_TOPIC_LABELS: Record<FaqTopic, string> = {
  pricing: 'Pricing page',
  training: 'Training page',
  consulting: 'Consulting page',
};

interface FieldProps {
  name: string;
  label: string;
  value: string | undefined;
  error?: string | undefined;
  hint?: string;
  required?: boolean;
  /** Unique per page: forms repeating a field name (sessions) give each its own. */
  id?: string;
}

function FieldShell(
  props: FieldProps & { children: (a: Record<string, string | undefined>) => ComponentChildren },
) {
  const id = props.id ?? `field-${props.name}`;
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  return (
    <div class={props.error ? 'form-field has-error' : 'form-field'}>
      <label for={id}>
        {props.label}
        {!props.required && <span class="optional"> (optional)</span>}
      </label>
      {props.hint && (
        <p class="form-hint" id={hintId}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="form-error" id={errorId}>
          <span class="visually-hidden">Error: </span>
          {props.error}
        </p>
      )}
      {props.children({
        id,
        'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') || undefined,
        'aria-invalid': props.error ? 'true' : undefined,
      })}
    </div>
  );
}

function Input(
  props: FieldProps & { type?: 'text' | 'number' | 'date' | 'time'; maxLength?: number; min?: number },
) {
  return (
    <FieldShell {...props}>
      {(a) => (
        <div class="field-control">
          <input
            {...a}
            name={props.name}
            type={props.type ?? 'text'}
            value={props.value ?? ''}
            required={props.required}
            maxLength={props.maxLength}
            min={props.min}
          />
        </div>
      )}
    </FieldShell>
  );
}

function TextArea(props: FieldProps & { rows: number; maxLength?: number }) {
  return (
    <FieldShell {...props}>
      {(a) => (
        <textarea
          {...a}
          name={props.name}
          rows={props.rows}
          required={props.required}
          maxLength={props.maxLength}
        >
          {props.value ?? ''}
        </textarea>
      )}
    </FieldShell>
  );
}

function Select(props: FieldProps & { options: readonly (readonly [value: string, label: string])[] }) {
  return (
    <FieldShell {...props}>
      {(a) => (
        <select {...a} name={props.name} required={props.required}>
          {props.options.map(([value, label]) => (
            <option value={value} selected={value === (props.value ?? '')}>
              {label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

function Save(props: { children: ComponentChildren }) {
  return (
    <div class="actions">
      <button type="submit" class="btn btn-primary">
        {props.children}
      </button>
    </div>
  );
}

function FormErrorsAlert(props: { errors: FormErrors | undefined }) {
  const count = Object.keys(props.errors ?? {}).length;
  if (!count) return null;
  return (
    <Alert kind="error">
      {props.errors?._form ??
        `Nothing was saved: ${count === 1 ? 'one field needs' : `${count} fields need`} a fix.`}
    </Alert>
  );
}

interface Chrome extends PageChrome {
  notice?: string | null;
  error?: string | null;
}

function Page(props: Chrome & { title: string; children: ComponentChildren; back?: boolean }) {
  return (
    <Layout {...props} title={`${props.title} — FHIR IQ admin`} currentPath="/admin/catalog" robots="noindex">
      <div class="container admin-page stack">
        <h1>{props.title}</h1>
        <AdminNav current="/admin/catalog" />
        <p>
          <a href="/admin/catalog">Catalog check</a>
          {props.back && (
            <>
              {' · '}
              <a href={BASE}>Product pages</a>
            </>
          )}
        </p>
        {props.notice && <Alert kind="success">{props.notice}</Alert>}
        {props.error && <Alert kind="error">{props.error}</Alert>}
        {props.children}
      </div>
    </Layout>
  );
}

const instructorOptions = (instructors: readonly InstructorDef[]) =>
  [['', 'None'] as const, ...instructors.map((i) => [i.key, i.name] as const)] as const;

// ---- index ----------------------------------------------------------------------------------------------------

export function MarketingIndexPage(
  props: Chrome & {
    products: readonly (ProductDef & { hasPage: boolean })[];
    instructors: readonly InstructorDef[];
    faqCounts: Record<FaqTopic, number>;
    newInstructor: { values: FormValues; errors: FormErrors };
  },
) {
  const csrf = props.csrfToken ?? '';
  return (
    <Page {...props} title="Product pages">
      <p>
        What each product page says besides its prices, the course outlines and live workshops, the
        instructors and the questions of the pricing, training and consulting pages. Every save is checked,
        recorded in the <a href="/admin/audit">audit log</a> and shown on the site at once.
      </p>
      <section aria-labelledby="pages-heading">
        <h2 id="pages-heading">Products</h2>
        <table>
          <caption class="visually-hidden">Products and their pages</caption>
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col">Page</th>
            </tr>
          </thead>
          <tbody>
            {props.products.map((p) => (
              <tr>
                <td>
                  {p.name} <span class="sku-code">{p.key}</span>
                </td>
                <td>
                  <a href={`${BASE}/products/${p.key}`}>
                    {p.hasPage ? 'Edit' : 'Write'}
                    <span class="visually-hidden"> the page of {p.name}</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="faq-heading">
        <h2 id="faq-heading">Questions</h2>
        <ul>
          {(Object.keys(FAQ_TOPIC_LABELS) as FaqTopic[]).map((topic) => (
            <li>
              <a href={`${BASE}/faq/${topic}`}>{FAQ_TOPIC_LABELS[topic]}</a> ({props.faqCounts[topic]}{' '}
              questions)
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="instructors-heading" class="stack">
        <h2 id="instructors-heading">Instructors</h2>
        <ul>
          {props.instructors.map((i) => (
            <li>
              <a href={`${BASE}/instructors/${i.key}`}>{i.name}</a>, {i.role}
            </li>
          ))}
        </ul>
        <form method="post" action={`${BASE}/instructors`} class="stack" aria-labelledby="new-instructor">
          <h3 id="new-instructor">Add an instructor</h3>
          <FormErrorsAlert errors={props.newInstructor.errors} />
          <CsrfInput token={csrf} />
          <Input
            name="key"
            label="Key"
            value={props.newInstructor.values.key}
            error={props.newInstructor.errors.key}
            hint="Lowercase letters, digits and hyphens, e.g. jane-doe. It cannot be changed later."
            required
            maxLength={60}
          />
          <InstructorFields values={props.newInstructor.values} errors={props.newInstructor.errors} />
          <Save>Add the instructor</Save>
        </form>
      </section>
    </Page>
  );
}

function InstructorFields(props: { values: FormValues; errors: FormErrors }) {
  const { values, errors } = props;
  return (
    <>
      <Input name="name" label="Name" value={values.name} error={errors.name} required maxLength={120} />
      <Input name="role" label="Role" value={values.role} error={errors.role} required maxLength={200} />
      <TextArea
        name="bio"
        label="Biography"
        value={values.bio}
        error={errors.bio}
        rows={5}
        required
        maxLength={2000}
      />
    </>
  );
}

export function InstructorEditPage(
  props: Chrome & { instructor: InstructorDef; values: FormValues; errors: FormErrors },
) {
  return (
    <Page {...props} title={`Instructor: ${props.instructor.name}`} back>
      <form
        method="post"
        action={`${BASE}/instructors/${props.instructor.key}`}
        class="stack"
        aria-label="Instructor"
      >
        <FormErrorsAlert errors={props.errors} />
        <CsrfInput token={props.csrfToken ?? ''} />
        <InstructorFields values={props.values} errors={props.errors} />
        <Save>Save the instructor</Save>
      </form>
    </Page>
  );
}

// ---- FAQ ------------------------------------------------------------------------------------------------------

export function FaqEditPage(
  props: Chrome & { topic: FaqTopic; values: FormValues; errors: FormErrors; rows: number },
) {
  const { values, errors } = props;
  return (
    <Page {...props} title={`Questions: ${FAQ_TOPIC_LABELS[props.topic]}`} back>
      <p>
        In page order. Empty a question’s fields to remove it; fill the empty ones at the end to add one. The
        key (the question’s anchor) is made from the question when left empty.
      </p>
      <form method="post" action={`${BASE}/faq/${props.topic}`} class="stack" aria-label="Questions">
        <FormErrorsAlert errors={errors} />
        <CsrfInput token={props.csrfToken ?? ''} />
        {Array.from({ length: props.rows + BLANK_ROWS }, (_, i) => (
          <fieldset class="stack">
            <legend>{i < props.rows ? `Question ${i + 1}` : `New question ${i - props.rows + 1}`}</legend>
            <Input
              name={`q${i}-question`}
              label="Question"
              value={values[`q${i}-question`]}
              error={errors[`q${i}-question`]}
              maxLength={300}
            />
            <TextArea
              name={`q${i}-answer`}
              label="Answer"
              value={values[`q${i}-answer`]}
              error={errors[`q${i}-answer`]}
              rows={4}
              maxLength={3000}
            />
            <Input
              name={`q${i}-key`}
              label="Key"
              value={values[`q${i}-key`]}
              error={errors[`q${i}-key`]}
              hint="Lowercase letters, digits and hyphens."
              maxLength={80}
            />
          </fieldset>
        ))}
        <Save>Save the questions</Save>
      </form>
    </Page>
  );
}

// ---- a product ------------------------------------------------------------------------------------------------

export interface SessionForm {
  session: CourseSessionDef;
  values: FormValues;
  errors: FormErrors;
}

export function ProductMarketingPage(
  props: Chrome & {
    product: ProductDef;
    page: { values: FormValues; errors: FormErrors };
    outline: { values: FormValues; errors: FormErrors; rows: number } | null;
    sessions: readonly SessionForm[];
    /** Live-workshop SKUs of a course (code, name); empty: no sessions to schedule. */
    liveSkus: readonly (readonly [code: string, name: string])[];
    newSession: { values: FormValues; errors: FormErrors };
    instructors: readonly InstructorDef[];
    publicPath: string;
  },
) {
  const { product, page } = props;
  const csrf = props.csrfToken ?? '';
  const isCourse = product.kind === 'course';
  return (
    <Page {...props} title={`Page of ${product.name}`} back>
      <p>
        <a href={props.publicPath}>View the page on the site</a>
      </p>
      <section aria-labelledby="page-heading" class="stack">
        <h2 id="page-heading">What the page says</h2>
        <form
          method="post"
          action={`${BASE}/products/${product.key}/page`}
          class="stack"
          aria-labelledby="page-heading"
        >
          <FormErrorsAlert errors={page.errors} />
          <CsrfInput token={csrf} />
          <Input
            name="tagline"
            label="Tagline"
            value={page.values.tagline}
            error={page.errors.tagline}
            required
            maxLength={200}
            hint="One line: the page’s lead and the home page’s feature grid."
          />
          <TextArea
            name="overview"
            label="What it does"
            value={page.values.overview}
            error={page.errors.overview}
            rows={8}
            required
            hint="Paragraphs of plain text, separated by an empty line (at most 10)."
          />
          <TextArea
            name="highlights"
            label="Highlights"
            value={page.values.highlights}
            error={page.errors.highlights}
            rows={6}
            hint="One per line: Title: text (at most 12)."
          />
          <TextArea
            name="audience"
            label="Who it is for"
            value={page.values.audience}
            error={page.errors.audience}
            rows={3}
            maxLength={1000}
          />
          <TextArea
            name="screenshots"
            label="Screenshots"
            value={page.values.screenshots}
            error={page.errors.screenshots}
            rows={4}
            hint="One per line: source | width | height | description (alt text) | caption, e.g. images/tools/mapper-to-fhir-1.png | 1280 | 800 | The mapping editor | Mapping a CSV column"
          />
          <Input
            name="docsPath"
            label="Documentation link"
            value={page.values.docsPath}
            error={page.errors.docsPath}
            maxLength={200}
            hint="A site path such as /docs/mapper-to-fhir."
          />
          {isCourse && (
            <>
              <Select
                name="instructorKey"
                label="Lead instructor"
                value={page.values.instructorKey}
                error={page.errors.instructorKey}
                options={instructorOptions(props.instructors)}
              />
              <TextArea
                name="prerequisites"
                label="Prerequisites"
                value={page.values.prerequisites}
                error={page.errors.prerequisites}
                rows={3}
                maxLength={1000}
              />
            </>
          )}
          {!isCourse && (
            <>
              <input type="hidden" name="instructorKey" value={page.values.instructorKey ?? ''} />
              <input type="hidden" name="prerequisites" value={page.values.prerequisites ?? ''} />
            </>
          )}
          <Save>Save the page</Save>
        </form>
      </section>
      {props.outline && <OutlineForm product={product} csrf={csrf} {...props.outline} />}
      {props.liveSkus.length > 0 && (
        <section aria-labelledby="sessions-heading" class="stack">
          <h2 id="sessions-heading">Live workshops</h2>
          <p>
            Dates and times are wall-clock times in the session’s time zone. The page shows the seats left
            when the capacity is known; buyers pick their date with us after purchase, so keep “seats taken”
            current.
          </p>
          {props.sessions.length === 0 && <p>No sessions yet.</p>}
          {props.sessions.map((s) => (
            <form
              method="post"
              action={`${BASE}/sessions/${s.session.id}`}
              class="stack card"
              aria-labelledby={`session-${s.session.id}`}
              id={`session-form-${s.session.id}`}
            >
              <h3 id={`session-${s.session.id}`}>
                {s.session.startsOn} to {s.session.endsOn} ({s.session.sku})
                {s.session.status === 'cancelled' ? ', cancelled' : ''}
              </h3>
              <FormErrorsAlert errors={s.errors} />
              <CsrfInput token={csrf} />
              <SessionFields
                prefix={s.session.id}
                values={s.values}
                errors={s.errors}
                instructors={props.instructors}
                withStatus
              />
              <Save>
                Save<span class="visually-hidden"> the session of {s.session.startsOn}</span>
              </Save>
            </form>
          ))}
          <form method="post" action={`${BASE}/sessions`} class="stack card" aria-labelledby="new-session">
            <h3 id="new-session">Schedule a session</h3>
            <FormErrorsAlert errors={props.newSession.errors} />
            <CsrfInput token={csrf} />
            <input type="hidden" name="product" value={product.key} />
            <Select
              id="new-sku"
              name="sku"
              label="Workshop"
              value={props.newSession.values.sku}
              error={props.newSession.errors.sku}
              options={props.liveSkus}
              required
            />
            <SessionFields
              prefix="new"
              values={props.newSession.values}
              errors={props.newSession.errors}
              instructors={props.instructors}
            />
            <Save>Schedule</Save>
          </form>
        </section>
      )}
    </Page>
  );
}

function OutlineForm(props: {
  product: ProductDef;
  csrf: string;
  values: FormValues;
  errors: FormErrors;
  rows: number;
}) {
  const { values, errors } = props;
  return (
    <section aria-labelledby="outline-heading" class="stack">
      <h2 id="outline-heading">Outline</h2>
      <p>
        Modules in teaching order. Empty a module’s fields to remove it; fill the empty ones at the end to add
        one.
      </p>
      <form
        method="post"
        action={`${BASE}/products/${props.product.key}/outline`}
        class="stack"
        aria-labelledby="outline-heading"
      >
        <FormErrorsAlert errors={errors} />
        <CsrfInput token={props.csrf} />
        {Array.from({ length: props.rows + BLANK_ROWS }, (_, i) => (
          <fieldset class="stack">
            <legend>{i < props.rows ? `Module ${i + 1}` : `New module ${i - props.rows + 1}`}</legend>
            <Input
              name={`m${i}-title`}
              label="Title"
              value={values[`m${i}-title`]}
              error={errors[`m${i}-title`]}
              maxLength={200}
            />
            <Input
              name={`m${i}-hours`}
              label="Hours"
              type="number"
              min={1}
              value={values[`m${i}-hours`]}
              error={errors[`m${i}-hours`]}
            />
            <TextArea
              name={`m${i}-summary`}
              label="Summary"
              value={values[`m${i}-summary`]}
              error={errors[`m${i}-summary`]}
              rows={2}
              maxLength={1000}
            />
            <TextArea
              name={`m${i}-topics`}
              label="Topics"
              value={values[`m${i}-topics`]}
              error={errors[`m${i}-topics`]}
              rows={4}
              hint="One per line."
            />
          </fieldset>
        ))}
        <Save>Save the outline</Save>
      </form>
    </section>
  );
}

function SessionFields(props: {
  prefix: string;
  values: FormValues;
  errors: FormErrors;
  instructors: readonly InstructorDef[];
  withStatus?: boolean;
}) {
  const { values, errors } = props;
  const id = (name: string) => `${props.prefix}-${name}`;
  return (
    <>
      <Input
        id={id('startsOn')}
        name="startsOn"
        label="First day"
        type="date"
        value={values.startsOn}
        error={errors.startsOn}
        required
      />
      <Input
        id={id('endsOn')}
        name="endsOn"
        label="Last day"
        type="date"
        value={values.endsOn}
        error={errors.endsOn}
        required
      />
      <Input
        id={id('dailyStart')}
        name="dailyStart"
        label="Starts each day at"
        type="time"
        value={values.dailyStart}
        error={errors.dailyStart}
        required
      />
      <Input
        id={id('dailyEnd')}
        name="dailyEnd"
        label="Ends each day at"
        type="time"
        value={values.dailyEnd}
        error={errors.dailyEnd}
        required
      />
      <Input
        id={id('timeZone')}
        name="timeZone"
        label="Time zone"
        value={values.timeZone}
        error={errors.timeZone}
        required
        maxLength={64}
        hint="IANA name, e.g. America/New_York or Europe/London."
      />
      <Input
        id={id('location')}
        name="location"
        label="Location"
        value={values.location}
        error={errors.location}
        required
        maxLength={200}
      />
      <Input
        id={id('capacity')}
        name="capacity"
        label="Capacity"
        type="number"
        min={1}
        value={values.capacity}
        error={errors.capacity}
        hint="Empty: not known, the page shows no seats left."
      />
      <Input
        id={id('seatsTaken')}
        name="seatsTaken"
        label="Seats taken"
        type="number"
        min={0}
        value={values.seatsTaken}
        error={errors.seatsTaken}
      />
      <Select
        id={id('instructorKey')}
        name="instructorKey"
        label="Instructor"
        value={values.instructorKey}
        error={errors.instructorKey}
        options={instructorOptions(props.instructors)}
      />
      {props.withStatus && (
        <Select
          id={id('status')}
          name="status"
          label="Status"
          value={values.status}
          error={errors.status}
          options={[
            ['scheduled', 'Scheduled'],
            ['cancelled', 'Cancelled (hidden from the page)'],
          ]}
          required
        />
      )}
    </>
  );
}
