import { Alert, CsrfInput, FormField, Layout, type PageChrome } from '../../../web/index.ts';
import { LEAD_TOPICS, TOPIC_LABELS } from '../domain/lead.ts';

export interface ContactFormState {
  values: Record<string, string>;
  errors: Record<string, string>;
  message?: string;
}

export interface ContactPageProps extends PageChrome {
  /** The signed render time the form posts back (domain/lead.ts). */
  stamp: string;
  /** Preselected topic (`/contact?topic=training`). */
  topic?: string | undefined;
  form?: ContactFormState;
}

const DESCRIPTION =
  'Write to FHIR IQ about our FHIR tools, training, consulting or a partnership. We answer within two business days.';

function TextArea(props: { value: string | undefined; error: string | null }) {
  const { error } = props;
  return (
    <div class={error ? 'form-field has-error' : 'form-field'}>
      <label for="field-message">How can we help?</label>
      <p class="form-hint" id="field-message-hint">
        Your project, your systems, your timeline: whatever helps us answer well.
      </p>
      {error && (
        <p class="form-error" id="field-message-error">
          <span class="visually-hidden">Error: </span>
          {error}
        </p>
      )}
      <textarea
        id="field-message"
        name="message"
        rows={6}
        maxLength={5000}
        required
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? 'field-message-hint field-message-error' : 'field-message-hint'}
      >
        {props.value ?? ''}
      </textarea>
    </div>
  );
}

function TopicSelect(props: { value: string | undefined; error: string | null }) {
  const { error } = props;
  return (
    <div class={error ? 'form-field has-error' : 'form-field'}>
      <label for="field-topic">Topic</label>
      {error && (
        <p class="form-error" id="field-topic-error">
          <span class="visually-hidden">Error: </span>
          {error}
        </p>
      )}
      <div class="field-control">
        <select
          id="field-topic"
          name="topic"
          required
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? 'field-topic-error' : undefined}
        >
          {LEAD_TOPICS.map((t) => (
            <option value={t} selected={props.value === t}>
              {TOPIC_LABELS[t]}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

/** /contact: the form, and what happens to a message. Works without script. */
export function ContactPage(props: ContactPageProps) {
  const v = props.form?.values ?? {};
  const err = (k: string) => props.form?.errors[k] ?? null;
  return (
    <Layout
      {...props}
      title="Contact"
      description={DESCRIPTION}
      canonicalPath="/contact"
      currentPath="/contact"
    >
      <section class="section" aria-labelledby="contact-title">
        <div class="container contact-layout">
          <div class="contact-intro">
            <h1 id="contact-title">Contact us</h1>
            <p class="lead">
              Tell us about your FHIR project, the team you want to train or the data you need to fix. A
              person reads every message and answers within two business days.
            </p>
            <h2>Other ways to reach us</h2>
            <ul class="checklist">
              <li>
                Customers: <a href="/account/support">open a support ticket</a> from your account.
              </li>
              <li>
                Buying for a team? <a href="/pricing">See the prices</a>, or ask for a quote on any Enterprise
                product page.
              </li>
              <li>
                Training dates: <a href="/training">see the upcoming live workshops</a>.
              </li>
            </ul>
          </div>
          <form
            method="post"
            action="/contact"
            class="form contact-form"
            aria-labelledby="contact-form-title"
          >
            <h2 id="contact-form-title">Send us a message</h2>
            {props.form?.message && <Alert kind="error">{props.form.message}</Alert>}
            {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
            <input type="hidden" name="stamp" value={props.stamp} />
            <FormField
              name="name"
              label="Name"
              autocomplete="name"
              required
              maxLength={100}
              value={v.name}
              error={err('name')}
            />
            <FormField
              name="email"
              label="Work email"
              type="email"
              autocomplete="email"
              required
              maxLength={254}
              value={v.email}
              error={err('email')}
            />
            <FormField
              name="organization"
              label="Organization"
              autocomplete="organization"
              maxLength={200}
              value={v.organization}
              error={err('organization')}
            />
            <TopicSelect value={v.topic ?? props.topic} error={err('topic')} />
            <TextArea value={v.message} error={err('message')} />
            {/* The honeypot: off-screen and out of the tab order; people leave it empty, bots fill it. */}
            <div class="hp-field">
              <label for="field-website">Leave this field empty</label>
              <input id="field-website" name="website" type="text" tabIndex={-1} autocomplete="off" />
            </div>
            <p class="form-hint consent-note">
              We use your name, email and message only to answer you, and keep them as long as we are in
              touch. See our <a href="/privacy">privacy notice</a>.
            </p>
            <button type="submit" class="btn btn-primary">
              Send message
            </button>
          </form>
        </div>
      </section>
    </Layout>
  );
}

/** /contact/sent: after a message (or what looks like one to a bot). Not indexed. */
export function ContactSentPage(props: PageChrome) {
  return (
    <Layout
      {...props}
      title="Message sent"
      description="Your message to FHIR IQ is on its way."
      canonicalPath="/contact/sent"
      robots="noindex"
    >
      <section class="section" aria-labelledby="sent-title">
        <div class="container narrow">
          <h1 id="sent-title">Thank you</h1>
          <Alert kind="success">
            <p>
              We received your message and sent you a confirmation by email. We will answer within two
              business days.
            </p>
          </Alert>
          <p>
            Meanwhile: <a href="/blog">read the blog</a>, <a href="/training">see the course dates</a> or{' '}
            <a href="/">go back to the home page</a>.
          </p>
        </div>
      </section>
    </Layout>
  );
}
