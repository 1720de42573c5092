import type { ComponentChildren } from 'preact';

/** The field name the CSRF check reads from form posts. */
export const CSRF_FIELD = '_csrf';

export function CsrfInput(props: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={props.token} />;
}

export interface FormFieldProps {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password' | 'tel' | 'url' | 'number' | 'search' | 'date';
  value?: string;
  /** An HTML autocomplete token, e.g. `email`, `current-password`, `new-password`. */
  autocomplete?: string;
  required?: boolean;
  error?: string | null;
  hint?: string;
  minLength?: number;
  maxLength?: number;
  /** Defaults to `field-<name>`; set it when one page has two forms with the same field name. */
  id?: string;
  /** For password fields: lets the password-toggle island add a "Show" button. */
  reveal?: boolean;
}

/**
 * A labelled input with its hint and error wired for assistive technology:
 * aria-describedby points at both, aria-invalid marks the error, and the error
 * text says "Error:" to screen readers since colour alone carries nothing.
 */
export function FormField(props: FormFieldProps) {
  const { name, label, type = 'text', error, hint } = props;
  const id = props.id ?? `field-${name}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  // A password is never written back into HTML, even after a failed submit:
  // the page may be cached, and view-source would show it.
  const value = type === 'password' ? undefined : props.value;
  return (
    <div class={error ? 'form-field has-error' : 'form-field'}>
      <label for={id}>
        {label}
        {props.required ? null : <span class="optional"> (optional)</span>}
      </label>
      {hint && (
        <p class="form-hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p class="form-error" id={errorId}>
          <span class="visually-hidden">Error: </span>
          {error}
        </p>
      )}
      <div class="field-control">
        <input
          id={id}
          name={name}
          type={type}
          value={value}
          autocomplete={props.autocomplete}
          required={props.required}
          minLength={props.minLength}
          maxLength={props.maxLength}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={describedBy}
          data-reveal={type === 'password' && props.reveal ? '' : undefined}
        />
      </div>
    </div>
  );
}

export type AlertKind = 'info' | 'success' | 'error';

/**
 * Errors are announced at once (role=alert); other messages politely
 * (role=status), so a success note does not interrupt the reader.
 */
export function Alert(props: { kind: AlertKind; title?: string; children?: ComponentChildren }) {
  return (
    <div class={`alert alert-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      {props.title && <p class="alert-title">{props.title}</p>}
      <div class="alert-body">{props.children}</div>
    </div>
  );
}

export function Card(props: {
  title?: string;
  /** Heading level of the title, to keep the page outline right where the card sits. */
  headingLevel?: 2 | 3 | 4;
  class?: string;
  children?: ComponentChildren;
}) {
  const Heading = `h${props.headingLevel ?? 2}` as 'h2' | 'h3' | 'h4';
  const cls = props.class ? `card ${props.class}` : 'card';
  // A titled card is a section of the outline; an untitled one is only a box.
  if (!props.title) return <div class={cls}>{props.children}</div>;
  return (
    <section class={cls}>
      <Heading class="card-title">{props.title}</Heading>
      {props.children}
    </section>
  );
}

export interface ButtonProps {
  variant?: 'primary' | 'secondary';
  /** Renders a link styled as a button (navigation), instead of a button (action). */
  href?: string;
  type?: 'submit' | 'button' | 'reset';
  name?: string;
  value?: string;
  class?: string;
  children?: ComponentChildren;
}

export function Button(props: ButtonProps) {
  const cls = ['btn', `btn-${props.variant ?? 'primary'}`, props.class].filter(Boolean).join(' ');
  if (props.href !== undefined) {
    return (
      <a class={cls} href={props.href}>
        {props.children}
      </a>
    );
  }
  return (
    <button class={cls} type={props.type ?? 'submit'} name={props.name} value={props.value}>
      {props.children}
    </button>
  );
}
