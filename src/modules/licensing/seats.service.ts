import type { PlatformContext } from '../../platform/context.ts';
import { handle } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { domainAllowed, monthStart } from './domain/policy.ts';
import type { LicenseActor, LicenseService } from './licenses.service.ts';
import type { LicenseRow } from './licensing.tables.ts';
import { sendSeatAssigned, sendSeatReleased } from './seats.mail.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const COUNTRY = /^[A-Z]{2}$/;

function normalEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email))
    throw new AppError('VALIDATION_FAILED', undefined, {
      details: [{ path: '/email', message: 'must be an email address' }],
    });
  return email;
}

const who = (a: LicenseActor): string =>
  a.kind === 'staff' ? a.staff.actor.email : a.kind === 'customer' ? a.email : a.kind;

/**
 * Who may use a license (002 validateSeatUsage and validateOrgUsage): the
 * named users of a seat license, assigned by the customer's admins up to the
 * seat count (which is also the concurrent-user limit: a user without a seat
 * cannot validate or activate), with a limited number of seat transfers a
 * month; and the email domains and countries a license is restricted to.
 * Every change locks the license row, so limits hold under concurrency.
 */
export class SeatService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly licenses: LicenseService,
  ) {}

  /** Gives a user a seat. Idempotent: a user who has one keeps it (`created` false). */
  async assign(
    licenseId: string,
    rawEmail: string,
    actor: LicenseActor,
  ): Promise<{ seats: string[]; created: boolean }> {
    const email = normalEmail(rawEmail);
    return this.licenses.withLicenseLocked(licenseId, async (tx, license) => {
      this.#seatLicense(license);
      const seats = await this.licenses.seatsOf(licenseId, handle(tx));
      if (seats.includes(email)) return { seats, created: false };
      if (!domainAllowed(email, license.allowed_domains)) throw new AppError('SEAT_DOMAIN_NOT_ALLOWED');
      if (seats.length >= license.seats)
        throw new AppError('SEAT_LIMIT_REACHED', `All ${license.seats} seats are assigned.`);
      await tx
        .insertInto('license_seat')
        .values({
          id: newId('seat', this.ctx.clock),
          license_id: licenseId,
          email,
          assigned_at: this.ctx.clock.now(),
          assigned_by: who(actor),
        })
        .execute();
      await this.licenses.event(handle(tx), licenseId, 'seat-assigned', null, { by: who(actor) });
      await sendSeatAssigned(this.ctx, handle(tx), { license, email });
      await this.licenses.audited(
        handle(tx),
        actor,
        'license.seat-assign',
        { type: 'license', id: licenseId },
        undefined,
        { email },
      );
      return { seats: [...seats, email], created: true };
    });
  }

  /**
   * Takes a user's seat away so it can go to someone else: a transfer, limited per calendar month
   * (UTC) by the product's policy. Staff approve exceptions (002: "reassignment with
   * administrative approval"): their releases do not count against the limit.
   */
  async release(
    licenseId: string,
    rawEmail: string,
    actor: LicenseActor,
  ): Promise<{ seats: string[]; released: boolean }> {
    const email = normalEmail(rawEmail);
    return this.#release(licenseId, email, actor, null);
  }

  /** Moves a seat from one user to another in one step (one transfer). */
  async transfer(
    licenseId: string,
    rawFrom: string,
    rawTo: string,
    actor: LicenseActor,
  ): Promise<{ seats: string[] }> {
    const from = normalEmail(rawFrom);
    const to = normalEmail(rawTo);
    const { seats } = await this.#release(licenseId, from, actor, to);
    return { seats };
  }

  async #release(licenseId: string, email: string, actor: LicenseActor, to: string | null) {
    const license0 = await this.licenses.get(licenseId);
    if (!license0) throw new AppError('NOT_FOUND', 'No license has this id.');
    const policy = await this.licenses.policyFor(license0.product_key);
    return this.licenses.withLicenseLocked(licenseId, async (tx, license) => {
      this.#seatLicense(license);
      const seats = await this.licenses.seatsOf(licenseId, handle(tx));
      if (!seats.includes(email)) {
        if (to) throw new AppError('NOT_FOUND', 'That user has no seat on this license.');
        return { seats, released: false };
      }
      if (to && seats.includes(to)) throw new AppError('CONFLICT', 'That user already has a seat.');
      if (to && !domainAllowed(to, license.allowed_domains)) throw new AppError('SEAT_DOMAIN_NOT_ALLOWED');
      if (actor.kind !== 'staff' && actor.kind !== 'cli' && actor.kind !== 'system') {
        const now = this.ctx.clock.now();
        const since = monthStart(now);
        const used = await tx
          .selectFrom('license_event')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('license_id', '=', licenseId)
          .where('type', '=', 'seat-transferred')
          .where('at', '>=', since)
          .executeTakeFirstOrThrow();
        if (Number(used.n) >= policy.transfersPerMonth) {
          const next = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth() + 1, 1));
          throw new AppError(
            'SEAT_TRANSFER_LIMIT',
            `This license allows ${policy.transfersPerMonth} seat transfers a month; the next is possible on ${next.toISOString().slice(0, 10)}.`,
            {
              details: [
                { path: '/email', message: `limit ${policy.transfersPerMonth}, next ${next.toISOString()}` },
              ],
            },
          );
        }
      }
      await tx
        .deleteFrom('license_seat')
        .where('license_id', '=', licenseId)
        .where('email', '=', email)
        .execute();
      // The user's machines go with the seat.
      await tx
        .deleteFrom('license_machine')
        .where('license_id', '=', licenseId)
        .where('user_email', '=', email)
        .execute();
      if (to)
        await tx
          .insertInto('license_seat')
          .values({
            id: newId('seat', this.ctx.clock),
            license_id: licenseId,
            email: to,
            assigned_at: this.ctx.clock.now(),
            assigned_by: who(actor),
          })
          .execute();
      await sendSeatReleased(this.ctx, handle(tx), { license, email, transferredTo: to });
      const counted = actor.kind === 'customer';
      await this.licenses.event(handle(tx), licenseId, counted ? 'seat-transferred' : 'seat-released', null, {
        by: who(actor),
        ...(to ? { reassigned: true } : {}),
      });
      await this.licenses.audited(
        handle(tx),
        actor,
        'license.seat-release',
        { type: 'license', id: licenseId },
        { email },
        { email: to },
      );
      const next = seats.filter((s) => s !== email);
      return { seats: to ? [...next, to] : next, released: true };
    });
  }

  /** The email domains a license is restricted to (empty: any). Existing seats outside them are kept but cannot validate. */
  async setDomains(licenseId: string, domains: string[], actor: LicenseActor): Promise<string[]> {
    const clean = [...new Set(domains.map((d) => d.trim().toLowerCase()))];
    const bad = clean.find((d) => !DOMAIN.test(d));
    if (bad || clean.length > 100)
      throw new AppError('VALIDATION_FAILED', undefined, {
        details: [{ path: '/domains', message: bad ? `${bad} is not a domain name` : 'at most 100 domains' }],
      });
    return this.#setList(licenseId, 'allowed_domains', clean, actor);
  }

  /** The countries (ISO 3166-1 alpha-2) an organization license may be used in (empty: any). */
  async setCountries(licenseId: string, countries: string[], actor: LicenseActor): Promise<string[]> {
    const clean = [...new Set(countries.map((c) => c.trim().toUpperCase()))];
    const bad = clean.find((c) => !COUNTRY.test(c));
    if (bad || clean.length > 250)
      throw new AppError('VALIDATION_FAILED', undefined, {
        details: [
          { path: '/countries', message: bad ? `${bad} is not a country code` : 'too many countries' },
        ],
      });
    return this.#setList(licenseId, 'allowed_countries', clean, actor);
  }

  async #setList(
    licenseId: string,
    column: 'allowed_domains' | 'allowed_countries',
    values: string[],
    actor: LicenseActor,
  ): Promise<string[]> {
    return this.licenses.withLicenseLocked(licenseId, async (tx, license) => {
      await this.licenses.audited(
        handle(tx),
        actor,
        `license.${column}`,
        { type: 'license', id: licenseId },
        license[column],
        values,
      );
      await tx
        .updateTable('license')
        .set({ [column]: JSON.stringify(values), updated_at: this.ctx.clock.now() } as never)
        .where('id', '=', licenseId)
        .execute();
      await this.licenses.event(
        handle(tx),
        licenseId,
        column === 'allowed_domains' ? 'domains-changed' : 'countries-changed',
        null,
        {
          values,
          by: who(actor),
        },
      );
      return values;
    });
  }

  #seatLicense(license: LicenseRow): void {
    if (license.type !== 'SEAT')
      throw new AppError('LICENSE_STATE_CONFLICT', 'Only seat licenses have named users.');
    if (license.status === 'REVOKED')
      throw new AppError('LICENSE_STATE_CONFLICT', 'A revoked license has no seats to assign.');
  }
}
