import type { ComponentChildren } from 'preact';
import { CsrfInput } from '../../../web/index.ts';
import { BODY_MAX } from '../domain/ticket.ts';

/** The support pages' form parts: a POST form with its CSRF token, the message field, a select. */

export function Form(props: {
  action: string;
  csrfToken: string | undefined;
  label: string;
  children: ComponentChildren;
}) {
  return (
    <form method="post" action={props.action} class="form" aria-label={props.label}>
      {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
      {props.children}
    </form>
  );
}

export function BodyField(props: { value: string; error?: string | undefined; label: string }) {
  return (
    <div class={props.error ? 'form-field has-error' : 'form-field'}>
      <label for="field-body">{props.label}</label>
      {props.error && (
        <p class="form-error" id="field-body-error">
          <span class="visually-hidden">Error: </span>
          {props.error}
        </p>
      )}
      <textarea
        id="field-body"
        name="body"
        rows={8}
        required
        maxLength={BODY_MAX}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? 'field-body-error' : undefined}
      >
        {props.value}
      </textarea>
    </div>
  );
}

export function Select(props: {
  name: string;
  label: string;
  options: readonly (readonly [value: string, label: string])[];
  value: string;
  optional?: boolean;
  error?: string | undefined;
  id?: string;
}) {
  const id = props.id ?? `field-${props.name}`;
  return (
    <div class={props.error ? 'form-field has-error' : 'form-field'}>
      <label for={id}>
        {props.label}
        {props.optional && <span class="optional"> (optional)</span>}
      </label>
      {props.error && (
        <p class="form-error">
          <span class="visually-hidden">Error: </span>
          {props.error}
        </p>
      )}
      <select id={id} name={props.name}>
        {props.optional && <option value="">None</option>}
        {props.options.map(([value, label]) => (
          <option value={value} selected={props.value === value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}
