import { Alert, Button, Card, FormField, Layout } from '../../../web/index.ts';
import type { ApiTokenInfo, SessionInfo, UserProfile } from '../accounts.contract.ts';
import { PASSWORD_MIN_CHARS } from '../domain/password-policy.ts';
import {
  ActionButton,
  AuthPage,
  type FormState,
  formatDate,
  PASSWORD_TOGGLE,
  type PageProps,
  PostForm,
} from './shared.tsx';

/** The account page (profile, password, sessions, API tokens) and the change-password page. */

export interface AccountPageProps extends PageProps {
  profile: UserProfile;
  sessions: SessionInfo[];
  tokens: ApiTokenInfo[];
  /** Which form `form` belongs to, so its errors land beside the right fields. */
  formId?: 'profile' | 'password' | 'token' | null;
  /** A just-created API token, shown in this response only. */
  newToken?: { token: string; name: string } | null;
  notice?: string | null;
}

function PasswordFields(props: { form?: FormState | undefined; idPrefix: string }) {
  const e = props.form?.errors ?? {};
  return (
    <>
      <FormField
        id={`${props.idPrefix}-current`}
        name="currentPassword"
        label="Current password"
        type="password"
        autocomplete="current-password"
        required
        maxLength={128}
        error={e.currentPassword}
        reveal
      />
      <FormField
        id={`${props.idPrefix}-new`}
        name="newPassword"
        label="New password"
        type="password"
        autocomplete="new-password"
        required
        minLength={PASSWORD_MIN_CHARS}
        maxLength={128}
        hint={`At least ${PASSWORD_MIN_CHARS} characters. Changing it signs out your other sessions.`}
        error={e.newPassword}
        reveal
      />
    </>
  );
}

export function AccountPage(props: AccountPageProps) {
  const { profile, csrfToken } = props;
  const formOf = (id: AccountPageProps['formId']) => (props.formId === id ? props.form : undefined);
  const tokenForm = formOf('token');
  return (
    <Layout {...props} title="Your account" currentPath="/account" islands={PASSWORD_TOGGLE}>
      <div class="container stack account-page">
        <h1>Your account</h1>
        {props.notice && <Alert kind="success">{props.notice}</Alert>}
        {props.form?.message && <Alert kind={props.form.message.kind}>{props.form.message.text}</Alert>}
        <p>
          Signed in as <strong>{profile.email}</strong>. Plan: <strong>{profile.platformRole}</strong>
          {profile.staffRole && (
            <>
              {' '}
              · Staff: <strong>{profile.staffRole}</strong>
            </>
          )}
          . <a href="/account/orders">Your orders</a> ·{' '}
          <a href="/account/subscriptions">Your subscriptions</a> ·{' '}
          <a href="/account/licenses">Your licenses</a> · <a href="/account/training">Your training</a> ·{' '}
          <a href="/account/consulting">Your consulting hours</a> · <a href="/account/downloads">Downloads</a>{' '}
          · <a href="/account/support">Support</a> · <a href="/account/organizations">Your organizations</a>
        </p>

        <Card title="Profile">
          <PostForm action="/account/profile" csrfToken={csrfToken} label="Profile">
            <FormField
              name="name"
              label="Name"
              autocomplete="name"
              required
              maxLength={100}
              value={formOf('profile')?.values?.name ?? profile.name}
              error={formOf('profile')?.errors?.name}
            />
            <div class="actions">
              <Button type="submit">Save</Button>
            </div>
          </PostForm>
        </Card>

        <Card title="Password">
          <PostForm action="/account/password" csrfToken={csrfToken} label="Change your password">
            <PasswordFields form={formOf('password')} idPrefix="account-password" />
            <div class="actions">
              <Button type="submit">Change password</Button>
            </div>
          </PostForm>
        </Card>

        <Card title="Sessions">
          <p>
            Where your account is signed in. Sign out any you do not recognise, then change your password.
          </p>
          <div class="table-wrap">
            <table>
              <caption class="visually-hidden">Your sessions</caption>
              <thead>
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">IP address</th>
                  <th scope="col">Signed in</th>
                  <th scope="col">
                    <span class="visually-hidden">Action</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.sessions.map((s) => (
                  <tr key={s.id}>
                    <td>
                      {s.userAgent ?? 'Unknown device'}
                      {s.current && <strong> (this device)</strong>}
                    </td>
                    <td>{s.ipAddress ?? '—'}</td>
                    <td>{formatDate(s.createdAt)}</td>
                    <td>
                      <ActionButton
                        action={`/account/sessions/${s.id}/revoke`}
                        csrfToken={csrfToken}
                        label={s.current ? 'Sign out' : 'Revoke'}
                        ariaLabel={
                          s.current
                            ? 'Sign out this device'
                            : `Revoke the session from ${formatDate(s.createdAt)}`
                        }
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {props.sessions.length > 1 && (
            <ActionButton
              action="/account/sessions/revoke-others"
              csrfToken={csrfToken}
              label="Sign out all other sessions"
            />
          )}
        </Card>

        <Card title="API tokens">
          <p>
            For scripts and the command line: send a token as <code>Authorization: Bearer fiq_…</code>. A
            token acts as you; keep it secret.
          </p>
          {props.newToken && (
            <Alert kind="success" title={`Token “${props.newToken.name}” created`}>
              <p>Copy it now: it is shown only this once.</p>
              <p>
                <code class="new-token">{props.newToken.token}</code>
              </p>
            </Alert>
          )}
          {props.tokens.length > 0 && (
            <div class="table-wrap">
              <table>
                <caption class="visually-hidden">Your API tokens</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Token</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Expires</th>
                    <th scope="col">
                      <span class="visually-hidden">Action</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {props.tokens.map((t) => (
                    <tr key={t.id}>
                      <td>{t.name}</td>
                      <td>
                        <code>{t.prefix}…</code>
                      </td>
                      <td>{formatDate(t.lastUsedAt)}</td>
                      <td>{t.expiresAt ? formatDate(t.expiresAt) : 'Never'}</td>
                      <td>
                        <ActionButton
                          action={`/account/tokens/${t.id}/revoke`}
                          csrfToken={csrfToken}
                          label="Revoke"
                          ariaLabel={`Revoke token ${t.name}`}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <PostForm action="/account/tokens" csrfToken={csrfToken} label="Create an API token">
            <FormField
              id="token-name"
              name="name"
              label="Token name"
              required
              maxLength={100}
              hint="What it is for, e.g. “CI deploy”."
              value={tokenForm?.values?.name}
              error={tokenForm?.errors?.name}
            />
            <div class="form-field">
              <label for="token-expiry">Expires</label>
              <select id="token-expiry" name="expiresInDays">
                {[
                  ['30', 'In 30 days'],
                  ['90', 'In 90 days'],
                  ['365', 'In a year'],
                  ['', 'Never'],
                ].map(([value, label]) => (
                  <option
                    value={value}
                    key={value}
                    selected={(tokenForm?.values?.expiresInDays ?? '90') === value}
                  >
                    {label}
                  </option>
                ))}
              </select>
              {tokenForm?.errors?.expiresInDays && <p class="form-error">{tokenForm.errors.expiresInDays}</p>}
            </div>
            <div class="actions">
              <Button type="submit">Create token</Button>
            </div>
          </PostForm>
        </Card>
      </div>
    </Layout>
  );
}

/** Also where an account with a one-time password is sent until it chooses its own. */
export function ChangePasswordPage(props: PageProps & { forced: boolean }) {
  return (
    <AuthPage
      chrome={props}
      title="Change your password"
      currentPath="/account/password"
      message={props.form?.message}
      islands={PASSWORD_TOGGLE}
      lead={
        props.forced
          ? 'You signed in with a one-time password. Choose your own password to continue.'
          : 'Changing your password signs out your other sessions.'
      }
    >
      <PostForm action="/account/password" csrfToken={props.csrfToken} label="Change your password">
        <PasswordFields form={props.form} idPrefix="change-password" />
        <div class="actions">
          <Button type="submit">Change password</Button>
        </div>
      </PostForm>
    </AuthPage>
  );
}
