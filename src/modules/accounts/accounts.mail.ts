import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { handle } from '../../platform/db/transaction.ts';
import { claimNotice } from './accounts.repository.ts';
import type { AccountsDb } from './accounts.tables.ts';
import { RESET_TTL_SECONDS, VERIFICATION_TTL_SECONDS } from './auth/better-auth.ts';

/**
 * The messages the accounts module sends. Each is enqueued in the
 * transaction of the change that caused it (better-auth calls these from
 * inside our service's transaction), so a message exists exactly when the
 * change committed.
 */

/** A user asking again within this time gets no second verification mail. */
export const VERIFICATION_RESEND_INTERVAL_MS = 5 * 60_000;
/** "Someone tried to sign up with your address" at most this often per account. */
const EXISTING_SIGNUP_INTERVAL_MS = 15 * 60_000;

interface Recipient {
  id: string;
  email: string;
  name: string;
}

interface Composed {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function compose(
  greetingName: string,
  paragraphs: string[],
  action?: { label: string; url: string },
): Omit<Composed, 'subject'> {
  const text = [
    `Hello ${greetingName},`,
    '',
    ...paragraphs.flatMap((p) => [p, '']),
    ...(action ? [`${action.label}: ${action.url}`, ''] : []),
    '— FHIR IQ',
  ].join('\n');
  const html = [
    '<!doctype html><html><body style="font-family:Inter,Arial,sans-serif;color:#0f172a;line-height:1.5">',
    `<p>Hello ${escapeHtml(greetingName)},</p>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    action
      ? `<p><a href="${escapeHtml(action.url)}" style="background:#F97316;color:#111827;padding:10px 16px;border-radius:6px;text-decoration:none;font-weight:600">${escapeHtml(action.label)}</a></p><p style="color:#64748B;font-size:14px">Or paste this link into your browser: ${escapeHtml(action.url)}</p>`
      : '',
    '<p>— FHIR IQ</p></body></html>',
  ].join('');
  return { text, html };
}

export class AccountsMail {
  constructor(private readonly ctx: PlatformContext) {}

  #link(path: string, token: string): string {
    const url = new URL(path, this.ctx.config.publicUrl);
    url.searchParams.set('token', token);
    return url.toString();
  }

  async #send(
    trx: Transaction<AccountsDb> | undefined,
    to: string,
    template: string,
    mail: Composed,
  ): Promise<void> {
    await this.ctx.mail.enqueue({ to, template, ...mail }, trx ? handle(trx) : undefined);
  }

  /** Throttled: sign-up always sends (no earlier notice exists); a resend or an unverified sign-in at most every few minutes. */
  async verifyEmail(trx: Transaction<AccountsDb> | undefined, user: Recipient, token: string): Promise<void> {
    if (
      trx &&
      !(await claimNotice(
        trx,
        user.id,
        'verify-email',
        this.ctx.clock.now(),
        VERIFICATION_RESEND_INTERVAL_MS,
      ))
    ) {
      return;
    }
    const url = this.#link('/verify-email', token);
    const hours = Math.round(VERIFICATION_TTL_SECONDS / 3600);
    await this.#send(trx, user.email, 'accounts.verify-email', {
      subject: 'Verify your email address for FHIR IQ',
      ...compose(
        user.name,
        [
          'Confirm that this is your email address to finish setting up your FHIR IQ account.',
          `The link works for ${hours} hours. If you did not sign up, ignore this message.`,
        ],
        { label: 'Verify my email address', url },
      ),
    });
  }

  async resetPassword(
    trx: Transaction<AccountsDb> | undefined,
    user: Recipient,
    token: string,
  ): Promise<void> {
    const url = this.#link('/reset-password', token);
    const minutes = Math.round(RESET_TTL_SECONDS / 60);
    await this.#send(trx, user.email, 'accounts.reset-password', {
      subject: 'Reset your FHIR IQ password',
      ...compose(
        user.name,
        [
          'Someone (hopefully you) asked to reset the password of your FHIR IQ account.',
          `The link works once, for ${minutes} minutes. Choosing a new password signs you out everywhere.`,
          'If you did not ask for this, ignore this message: your password stays as it is.',
        ],
        { label: 'Choose a new password', url },
      ),
    });
  }

  /** Sent instead of a verification mail when someone signs up with a registered address. */
  async existingAccountSignUp(trx: Transaction<AccountsDb> | undefined, user: Recipient): Promise<void> {
    if (
      trx &&
      !(await claimNotice(trx, user.id, 'existing-signup', this.ctx.clock.now(), EXISTING_SIGNUP_INTERVAL_MS))
    ) {
      return;
    }
    const signIn = new URL('/sign-in', this.ctx.config.publicUrl).toString();
    const forgot = new URL('/forgot-password', this.ctx.config.publicUrl).toString();
    await this.#send(trx, user.email, 'accounts.existing-account', {
      subject: 'You already have a FHIR IQ account',
      ...compose(
        user.name,
        [
          'Someone tried to create a FHIR IQ account with this email address, which already has one.',
          `If it was you, sign in at ${signIn}. Forgot your password? Choose a new one at ${forgot}.`,
          'If it was not you, no action is needed: nothing changed on your account.',
        ],
        { label: 'Sign in', url: signIn },
      ),
    });
  }

  async invitation(
    trx: Transaction<AccountsDb> | undefined,
    data: { id: string; email: string; role: string; organizationName: string; inviterName: string },
  ): Promise<void> {
    const url = new URL(`/invitations/${encodeURIComponent(data.id)}`, this.ctx.config.publicUrl).toString();
    await this.#send(trx, data.email, 'accounts.org-invitation', {
      subject: `You are invited to join ${data.organizationName} on FHIR IQ`,
      ...compose(
        data.email,
        [
          `${data.inviterName} invited you to join ${data.organizationName} on FHIR IQ as ${data.role}.`,
          'Sign in (or create an account) with this email address, then accept the invitation. It expires in 7 days.',
        ],
        { label: 'See the invitation', url },
      ),
    });
  }
}
