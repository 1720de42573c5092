import type { ComponentChildren } from 'preact';
import { Alert, type AlertKind, CsrfInput, Layout, type PageChrome } from '../../../web/index.ts';

/** What a form page re-renders with after a failed submit: the entered values (never passwords) and the errors. */
export interface FormState {
  values?: Record<string, string>;
  errors?: Record<string, string>;
  /** A message about the whole form (INVALID_CREDENTIALS, RATE_LIMITED, …). */
  message?: { kind: AlertKind; text: string } | null;
}

export type PageProps = PageChrome & { form?: FormState };

export const PASSWORD_TOGGLE = ['password-toggle.js'] as const;

/** One narrow column of content under an h1: the shape of every sign-in style page. */
export function AuthPage(props: {
  chrome: PageChrome;
  title: string;
  heading?: string;
  currentPath: string;
  lead?: ComponentChildren;
  message?: FormState['message'];
  islands?: readonly string[];
  children?: ComponentChildren;
}) {
  return (
    <Layout
      {...props.chrome}
      title={props.title}
      currentPath={props.currentPath}
      canonicalPath={props.currentPath}
      islands={props.islands ?? []}
    >
      <div class="container stack auth-page">
        <h1>{props.heading ?? props.title}</h1>
        {props.lead && <p class="lead">{props.lead}</p>}
        {props.message && <Alert kind={props.message.kind}>{props.message.text}</Alert>}
        {props.children}
      </div>
    </Layout>
  );
}

/** A POST form with its CSRF token. Works without JavaScript; `novalidate` is not set, so browsers help too. */
export function PostForm(props: {
  action: string;
  csrfToken: string | undefined;
  class?: string;
  label?: string;
  children?: ComponentChildren;
}) {
  return (
    <form method="post" action={props.action} class={props.class ?? 'form'} aria-label={props.label}>
      {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
      {props.children}
    </form>
  );
}

/** A one-button form (revoke, remove, accept): a POST, so following a link can never trigger it. */
export function ActionButton(props: {
  action: string;
  csrfToken: string | undefined;
  label: string;
  /** Spelled out for screen readers when the visible label is short ("Revoke" → "Revoke token deploy-bot"). */
  ariaLabel?: string;
  variant?: 'primary' | 'secondary';
  hidden?: Record<string, string>;
}) {
  return (
    <form method="post" action={props.action} class="inline-form">
      {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
      {Object.entries(props.hidden ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} key={name} />
      ))}
      <button
        type="submit"
        class={`btn btn-${props.variant ?? 'secondary'} btn-small`}
        aria-label={props.ariaLabel}
      >
        {props.label}
      </button>
    </form>
  );
}

export function formatDate(d: Date | null): string {
  if (!d) return '—';
  return `${new Date(d).toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}
