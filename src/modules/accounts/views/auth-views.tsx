import { Alert, Button, FormField } from '../../../web/index.ts';
import { PASSWORD_MIN_CHARS } from '../domain/password-policy.ts';
import { AuthPage, PASSWORD_TOGGLE, type PageProps, PostForm } from './shared.tsx';

/** Sign-up, sign-in, verification and password-reset pages. */

const PASSWORD_HINT = `At least ${PASSWORD_MIN_CHARS} characters. A phrase of a few words is easy to remember and hard to guess.`;

export function SignUpPage(props: PageProps) {
  const v = props.form?.values ?? {};
  const e = props.form?.errors ?? {};
  return (
    <AuthPage
      chrome={props}
      title="Create your account"
      currentPath="/sign-up"
      message={props.form?.message}
      islands={PASSWORD_TOGGLE}
      lead="Use FHIR IQ tools, courses and the assistant with one account."
    >
      <PostForm action="/sign-up" csrfToken={props.csrfToken} label="Create your account">
        <FormField
          name="name"
          label="Name"
          autocomplete="name"
          required
          maxLength={100}
          value={v.name}
          error={e.name}
        />
        <FormField
          name="email"
          label="Email address"
          type="email"
          autocomplete="email"
          required
          maxLength={254}
          value={v.email}
          error={e.email}
        />
        <FormField
          name="password"
          label="Password"
          type="password"
          autocomplete="new-password"
          required
          minLength={PASSWORD_MIN_CHARS}
          maxLength={128}
          hint={PASSWORD_HINT}
          error={e.password}
          reveal
        />
        <div class="actions">
          <Button type="submit">Create account</Button>
        </div>
      </PostForm>
      <p>
        Already have an account? <a href="/sign-in">Sign in</a>.
      </p>
    </AuthPage>
  );
}

export function CheckEmailPage(props: PageProps & { resent?: boolean }) {
  const e = props.form?.errors ?? {};
  return (
    <AuthPage
      chrome={props}
      title="Check your email"
      currentPath="/sign-up/check-email"
      message={props.form?.message}
    >
      {props.resent && <Alert kind="success">If this address needs verifying, we sent a new link.</Alert>}
      <p>
        If this email address can be used, we sent a message to it. Follow the link in it to verify your
        address, then sign in.
      </p>
      <p>Nothing arrived after a few minutes? Check your spam folder, or ask for a new link:</p>
      <PostForm action="/verify-email/resend" csrfToken={props.csrfToken} label="Send the link again">
        <FormField
          name="email"
          label="Email address"
          type="email"
          autocomplete="email"
          required
          maxLength={254}
          value={props.form?.values?.email}
          error={e.email}
        />
        <div class="actions">
          <Button type="submit" variant="secondary">
            Send the link again
          </Button>
        </div>
      </PostForm>
    </AuthPage>
  );
}

/**
 * The verification link lands here and shows a button: mail scanners that
 * follow links (to check them) must not use up or act on the link; a person
 * presses the button, which POSTs.
 */
export function VerifyEmailPage(props: PageProps & { token: string }) {
  return (
    <AuthPage
      chrome={props}
      title="Verify your email address"
      currentPath="/verify-email"
      message={props.form?.message}
    >
      {props.token ? (
        <PostForm action="/verify-email" csrfToken={props.csrfToken} label="Verify your email address">
          <input type="hidden" name="token" value={props.token} />
          <p>Press the button to confirm that this email address is yours.</p>
          <div class="actions">
            <Button type="submit">Verify my email address</Button>
          </div>
        </PostForm>
      ) : (
        <p>
          This link is incomplete. Open the link from the email again, or{' '}
          <a href="/sign-up/check-email">ask for a new one</a>.
        </p>
      )}
    </AuthPage>
  );
}

export function SignInPage(props: PageProps & { next?: string; notice?: 'verified' | 'reset' | null }) {
  const v = props.form?.values ?? {};
  const e = props.form?.errors ?? {};
  return (
    <AuthPage
      chrome={props}
      title="Sign in"
      currentPath="/sign-in"
      message={props.form?.message}
      islands={PASSWORD_TOGGLE}
    >
      {props.notice === 'verified' && (
        <Alert kind="success">Your email address is verified. Sign in to continue.</Alert>
      )}
      {props.notice === 'reset' && (
        <Alert kind="success">Your password has been changed. Sign in with the new one.</Alert>
      )}
      <PostForm action="/sign-in" csrfToken={props.csrfToken} label="Sign in">
        {props.next && <input type="hidden" name="next" value={props.next} />}
        <FormField
          name="email"
          label="Email address"
          type="email"
          autocomplete="email"
          required
          maxLength={254}
          value={v.email}
          error={e.email}
        />
        <FormField
          name="password"
          label="Password"
          type="password"
          autocomplete="current-password"
          required
          maxLength={128}
          error={e.password}
          reveal
        />
        <div class="actions">
          <Button type="submit">Sign in</Button>
        </div>
      </PostForm>
      <p>
        <a href="/forgot-password">Forgot your password?</a>
      </p>
      <p>
        New here? <a href="/sign-up">Create an account</a>.
      </p>
    </AuthPage>
  );
}

export function ForgotPasswordPage(props: PageProps) {
  return (
    <AuthPage
      chrome={props}
      title="Reset your password"
      currentPath="/forgot-password"
      message={props.form?.message}
      lead="Enter the email address of your account. We will send you a link to choose a new password."
    >
      <PostForm action="/forgot-password" csrfToken={props.csrfToken} label="Reset your password">
        <FormField
          name="email"
          label="Email address"
          type="email"
          autocomplete="email"
          required
          maxLength={254}
          value={props.form?.values?.email}
          error={props.form?.errors?.email}
        />
        <div class="actions">
          <Button type="submit">Send the link</Button>
        </div>
      </PostForm>
    </AuthPage>
  );
}

export function ForgotPasswordSentPage(props: PageProps) {
  return (
    <AuthPage chrome={props} title="Check your email" currentPath="/forgot-password/sent">
      <p>
        If an account exists for this email address, we sent a link to reset its password. The link works for
        one hour.
      </p>
      <p>
        <a href="/sign-in">Back to sign in</a>
      </p>
    </AuthPage>
  );
}

export function ResetPasswordPage(props: PageProps & { token: string }) {
  return (
    <AuthPage
      chrome={props}
      title="Choose a new password"
      currentPath="/reset-password"
      message={props.form?.message}
      islands={PASSWORD_TOGGLE}
    >
      {props.token ? (
        <PostForm action="/reset-password" csrfToken={props.csrfToken} label="Choose a new password">
          <input type="hidden" name="token" value={props.token} />
          <FormField
            name="password"
            label="New password"
            type="password"
            autocomplete="new-password"
            required
            minLength={PASSWORD_MIN_CHARS}
            maxLength={128}
            hint={`${PASSWORD_HINT} Saving it signs you out everywhere.`}
            error={props.form?.errors?.password}
            reveal
          />
          <div class="actions">
            <Button type="submit">Save the new password</Button>
          </div>
        </PostForm>
      ) : (
        <p>
          This link is incomplete or has expired. <a href="/forgot-password">Ask for a new one</a>.
        </p>
      )}
    </AuthPage>
  );
}
