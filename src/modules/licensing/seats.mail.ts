import type { PlatformContext } from '../../platform/context.ts';
import type { DbHandle } from '../../platform/db/transaction.ts';
import { paragraphMail } from '../../platform/mail/compose.ts';
import type { LicenseRow } from './licensing.tables.ts';

export const SEAT_ASSIGNED_TEMPLATE = 'licensing.seat-assigned';
export const SEAT_RELEASED_TEMPLATE = 'licensing.seat-released';

type SeatLicense = Pick<LicenseRow, 'id' | 'email' | 'sku' | 'key_last4'>;

/**
 * The invitation a user gets when a seat of a license is assigned to them (002: seat
 * assignment notice). Queued in the assignment's transaction: it exists exactly when the seat
 * does. The key is not in it: the license's owner hands it over (or the user's software
 * activates with the organization's key); the user signs in with this address to see it.
 */
export async function sendSeatAssigned(
  ctx: PlatformContext,
  trx: DbHandle,
  input: { license: SeatLicense; email: string; transferredFrom?: string },
): Promise<void> {
  const { license, email } = input;
  const signIn = `${ctx.config.publicUrl}/sign-in`;
  await ctx.mail.enqueue(
    {
      to: email,
      template: SEAT_ASSIGNED_TEMPLATE,
      subject: `You have a seat on a FHIR IQ ${license.sku} license`,
      ...paragraphMail([
        'Hello,',
        `${license.email ?? 'The license owner'} gave you a seat on their FHIR IQ ${license.sku} license (key ending ${license.key_last4})${input.transferredFrom ? `, transferred from ${input.transferredFrom}` : ''}.`,
        'Your software validates with the license key and this email address as its user. Ask the license owner for the key, or sign in with this address to see the licenses you can use.',
        `Sign in or create your account with this address: ${signIn}`,
      ]),
    },
    trx,
  );
}

/** The notice a user gets when their seat is taken back or moved to someone else. */
export async function sendSeatReleased(
  ctx: PlatformContext,
  trx: DbHandle,
  input: { license: SeatLicense; email: string; transferredTo: string | null },
): Promise<void> {
  const { license, email } = input;
  await ctx.mail.enqueue(
    {
      to: email,
      template: SEAT_RELEASED_TEMPLATE,
      subject: `Your seat on a FHIR IQ ${license.sku} license was ${input.transferredTo ? 'transferred' : 'released'}`,
      ...paragraphMail([
        'Hello,',
        `Your seat on the FHIR IQ ${license.sku} license of ${license.email ?? 'its owner'} (key ending ${license.key_last4}) was ${input.transferredTo ? 'transferred to another user' : 'released'}. Machines you activated on it were deactivated with it.`,
        'If this is unexpected, contact the license owner.',
      ]),
    },
    trx,
  );
  if (input.transferredTo)
    await sendSeatAssigned(ctx, trx, { license, email: input.transferredTo, transferredFrom: email });
}
