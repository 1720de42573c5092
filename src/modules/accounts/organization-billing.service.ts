import type { PlatformContext } from '../../platform/context.ts';
import { handle } from '../../platform/db/transaction.ts';
import { AppError } from '../../platform/errors.ts';
import type { AccessService } from './access.service.ts';
import type { Actor, OrganizationBilling, TaxIdChecker } from './accounts.contract.ts';
import type { AccountsDb } from './accounts.tables.ts';
import type { AmbientDb } from './auth/ambient-db.ts';
import { cleanOrgBilling, type OrgBillingInput } from './domain/org-billing.ts';
import * as orgs from './organizations.repository.ts';

/**
 * Organizations' billing details and VAT ID, and who sees what an organization bought. Every
 * call is checked with `can(actor, …, { orgId })`: a non-member is told the organization does
 * not exist (404), a member lacking the permission is refused (403). The VAT ID is verified by
 * the tax module (VIES when configured) in the transaction that saves it; its status is read
 * from there when shown, so a VIES answer that arrives later is what the page says.
 */
export class OrganizationBillingService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: AmbientDb<AccountsDb>,
    private readonly access: AccessService,
    private readonly taxIds: TaxIdChecker,
  ) {}

  #authorize(actor: Actor, orgId: string, permission: string): void {
    if (!actor.memberships.some((m) => m.orgId === orgId))
      throw new AppError('NOT_FOUND', 'No such organization.');
    if (!this.access.can(actor, permission, { orgId })) throw new AppError('FORBIDDEN');
  }

  /** The organizations in which the actor holds `permission` (the filter of shared orders and invoices). */
  orgIdsWith(actor: Actor, permission: string): string[] {
    return actor.memberships
      .filter((m) => this.access.can(actor, permission, { orgId: m.orgId }))
      .map((m) => m.orgId);
  }

  /** Whether the actor holds an organization permission there (pages decide what to offer). */
  permits(actor: Actor, orgId: string, permission: string): boolean {
    return this.access.can(actor, permission, { orgId });
  }

  /** The billing details (null: none saved yet), for members who may read them. */
  async get(actor: Actor, orgId: string): Promise<OrganizationBilling | null> {
    this.#authorize(actor, orgId, 'org.billing.read');
    return this.forStaff(orgId);
  }

  /** The billing details for the checkout of a member who may buy for the organization. */
  async forPurchase(
    actor: Actor,
    orgId: string,
  ): Promise<{ name: string; billing: OrganizationBilling | null }> {
    this.#authorize(actor, orgId, 'org.purchase');
    const org = await orgs.findOrganization(this.db.kysely, orgId);
    if (!org) throw new AppError('NOT_FOUND', 'No such organization.');
    return { name: org.name, billing: await this.forStaff(orgId) };
  }

  /** Any organization's billing details (the staff console; callers check `admin.customers.read`). */
  async forStaff(orgId: string): Promise<OrganizationBilling | null> {
    const row = await orgs.findBilling(this.db.kysely, orgId);
    if (!row) return null;
    return {
      organizationId: row.organization_id,
      organizationName: row.organization_name,
      legalName: row.legal_name,
      line1: row.line1,
      line2: row.line2,
      city: row.city,
      postalCode: row.postal_code,
      region: row.region,
      country: row.country.trim(),
      email: row.email,
      vatId: row.vat_id,
      vat: row.vat_id ? await this.taxIds.status(row.vat_id, row.country.trim()) : null,
      updatedAt: row.updated_at,
    };
  }

  /**
   * Saves the billing details (owners, admins and billing members). Bad input writes nothing:
   * every field problem comes back at once (VALIDATION_FAILED), a malformed VAT ID or one the
   * registry already answered as not registered is VAT_ID_INVALID; a VAT ID VIES has not
   * answered yet is saved and shown as pending.
   */
  async update(actor: Actor, orgId: string, input: OrgBillingInput): Promise<OrganizationBilling> {
    this.#authorize(actor, orgId, 'org.billing.manage');
    const { details, problems } = cleanOrgBilling(input);
    const fields = Object.entries(problems);
    if (fields.length)
      throw new AppError('VALIDATION_FAILED', undefined, {
        details: fields.map(([k, message]) => ({ path: `/${k}`, message })),
      });
    await this.db.transaction(async (trx) => {
      const vat = details.vatId ? await this.taxIds.check(details.vatId, details.country, handle(trx)) : null;
      if (vat?.status === 'invalid')
        throw new AppError('VAT_ID_INVALID', `The registry says ${vat.id} is not a valid VAT number.`, {
          details: [{ path: '/vatId', message: 'is not registered' }],
        });
      await orgs.saveBilling(trx, {
        organization_id: orgId,
        legal_name: details.legalName,
        line1: details.line1,
        line2: details.line2,
        city: details.city,
        postal_code: details.postalCode,
        region: details.region,
        country: details.country,
        email: details.email,
        vat_id: vat?.id ?? null,
        updated_at: this.ctx.clock.now(),
        updated_by: actor.userId,
      });
    });
    this.ctx.log.info({ orgId, userId: actor.userId }, 'organization billing details saved');
    const saved = await this.forStaff(orgId);
    if (!saved) throw new Error(`billing details of ${orgId} vanished`);
    return saved;
  }
}
