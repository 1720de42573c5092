import { Alert, CsrfInput, Layout, type PageChrome } from '../../../web/index.ts';

/** The unsubscribe page (reached from a mail, no sign-in) and the account's mail settings page. */

/** `j•••@example.com`: enough for the owner to recognise, little for whoever a link was forwarded to. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '•••';
  return `${email[0]}•••${email.slice(at)}`;
}

export function UnsubscribePage(
  props: PageChrome & {
    email: string;
    marketing: boolean;
    token: string;
    /** What the last POST did, shown once. */
    done: 'unsubscribed' | 'subscribed' | null;
  },
) {
  return (
    <Layout {...props} title="Mail preferences — FHIR IQ" currentPath="/unsubscribe">
      <div class="container commerce-page">
        <h1>Tips and check-ins from FHIR IQ</h1>
        {props.done === 'unsubscribed' && (
          <Alert kind="success" title="You are unsubscribed">
            <p>{maskEmail(props.email)} will get no more tips, learning suggestions or check-ins from us.</p>
          </Alert>
        )}
        {props.done === 'subscribed' && (
          <Alert kind="success" title="You are subscribed again">
            <p>{maskEmail(props.email)} will get tips and check-ins again.</p>
          </Alert>
        )}
        <p>
          {props.marketing
            ? `${maskEmail(props.email)} receives our onboarding tips, learning suggestions and check-ins.`
            : `${maskEmail(props.email)} does not receive our tips, learning suggestions or check-ins.`}
        </p>
        <p>
          Mail about what you bought — receipts, license keys, course access and consulting bookings — arrives
          either way.
        </p>
        <form method="post" action="/unsubscribe" class="form">
          {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
          <input type="hidden" name="token" value={props.token} />
          <input type="hidden" name="choice" value={props.marketing ? 'unsubscribe' : 'subscribe'} />
          <button type="submit" class={`btn ${props.marketing ? 'btn-primary' : 'btn-secondary'}`}>
            {props.marketing ? 'Unsubscribe' : 'Subscribe again'}
          </button>
        </form>
      </div>
    </Layout>
  );
}

export function NotificationsPage(props: PageChrome & { email: string; marketing: boolean; saved: boolean }) {
  return (
    <Layout {...props} title="Mail settings — FHIR IQ" currentPath="/account/notifications">
      <div class="container commerce-page">
        <h1>Mail settings</h1>
        <p>
          <a href="/account">Account</a> · <a href="/account/orders">Your orders</a> ·{' '}
          <a href="/account/licenses">Your licenses</a> · <a href="/account/training">Your training</a>
        </p>
        {props.saved && (
          <Alert kind="success" title="Saved">
            <p>Your mail settings are saved.</p>
          </Alert>
        )}
        <form method="post" action="/account/notifications" class="form">
          {props.csrfToken !== undefined && <CsrfInput token={props.csrfToken} />}
          <fieldset>
            <legend>Mail to {props.email}</legend>
            <p>
              <label>
                <input type="radio" name="marketing" value="on" checked={props.marketing} /> Send me tips,
                learning suggestions and check-ins after a purchase
              </label>
            </p>
            <p>
              <label>
                <input type="radio" name="marketing" value="off" checked={!props.marketing} /> No tips or
                check-ins, please
              </label>
            </p>
          </fieldset>
          <p>Mail about what you bought (receipts, keys, access, bookings) is always sent.</p>
          <button type="submit" class="btn btn-primary">
            Save
          </button>
        </form>
      </div>
    </Layout>
  );
}
