import type { Kysely } from 'kysely';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import * as repo from './onboarding.repository.ts';
import type { OnboardingDb, PreferenceSource } from './onboarding.tables.ts';
import { readUnsubscribeToken, unsubscribeToken } from './unsubscribe-token.ts';

/** An address's marketing-mail preference, as a page shows it. */
export interface PreferenceView {
  email: string;
  marketing: boolean;
}

/**
 * Whether an address accepts marketing mail: changed by the unsubscribe link (no sign-in: the
 * signed token is the proof), by RFC 8058 one-click, or by the signed-in owner of the address.
 * Transactional mail (instructions, receipts) never depends on it.
 */
export class MailPreferences {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: Kysely<OnboardingDb>,
  ) {}

  /** The token's recipient, or UNSUBSCRIBE_LINK_INVALID (forged, edited or truncated). */
  #recipient(token: string | undefined): string {
    const read = token ? readUnsubscribeToken(this.ctx.secrets, token) : undefined;
    if (!read) throw new AppError('UNSUBSCRIBE_LINK_INVALID');
    return read.email;
  }

  async ofToken(token: string | undefined): Promise<PreferenceView> {
    const email = this.#recipient(token);
    return { email, marketing: await repo.acceptsMarketing(this.db, email) };
  }

  /** Records the choice made through a link; the same choice again changes nothing visible. */
  async setByToken(
    token: string | undefined,
    marketing: boolean,
    source: Extract<PreferenceSource, 'link' | 'one_click'>,
  ): Promise<PreferenceView> {
    const email = this.#recipient(token);
    await repo.setMarketing(this.db, email, marketing, source, this.ctx.clock.now());
    this.ctx.log.info({ source, marketing }, 'mail preference changed');
    return { email, marketing };
  }

  async ofAddress(email: string): Promise<PreferenceView> {
    return { email, marketing: await repo.acceptsMarketing(this.db, email) };
  }

  /** The signed-in user's own address only: the route passes the actor's email, never input. */
  async setForAccount(email: string, marketing: boolean): Promise<PreferenceView> {
    await repo.setMarketing(this.db, email, marketing, 'account', this.ctx.clock.now());
    return { email, marketing };
  }

  /** A link for an address (tests, and any other module's marketing mail through the index). */
  tokenFor(email: string): string {
    return unsubscribeToken(this.ctx.secrets, email);
  }
}
