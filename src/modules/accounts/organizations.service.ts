import { randomBytes } from 'node:crypto';
import type { PlatformContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { AccessService } from './access.service.ts';
import type {
  Actor,
  InvitationInfo,
  MemberInfo,
  OrganizationInfo,
  OrgRole,
  RequestMeta,
} from './accounts.contract.ts';
import { authHeaders, cleanName, type IdentityService, nameProblem } from './accounts.service.ts';
import type { AccountsDb } from './accounts.tables.ts';
import type { AmbientDb } from './auth/ambient-db.ts';
import type { Auth } from './auth/better-auth.ts';
import { isValidEmail, normalizeEmail } from './domain/email.ts';
import * as orgs from './organizations.repository.ts';

const invalid = (path: string, message: string) =>
  new AppError('VALIDATION_FAILED', undefined, { details: [{ path, message }] });

/** A URL-safe handle from the name plus a random suffix, so two "Acme" organizations never collide. */
export function slugFor(name: string): string {
  const base = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${base || 'org'}-${randomBytes(4).toString('hex')}`;
}

function invitationStatus(row: { status: string; expires_at: Date }, now: Date): InvitationInfo['status'] {
  if (row.status === 'pending' && new Date(row.expires_at).getTime() <= now.getTime()) return 'expired';
  if (row.status === 'accepted' || row.status === 'canceled' || row.status === 'pending') return row.status;
  return 'canceled';
}

/**
 * Organizations, members and invitations. better-auth's organization plugin
 * performs the writes (and enforces its own role rules: an admin cannot
 * demote an owner, the last owner cannot leave); every call is first checked
 * with `can(actor, …, { orgId })`, and a non-member is told the organization
 * does not exist. Writes need a session, because the plugin acts as the
 * session's user; API tokens can read.
 */
export class OrganizationService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly db: AmbientDb<AccountsDb>,
    private readonly auth: Auth,
    private readonly access: AccessService,
    private readonly identity: IdentityService,
  ) {}

  /** 404 for non-members (nobody learns another organization exists), 403 for members lacking the permission. */
  #authorize(actor: Actor, orgId: string, permission: string): void {
    if (!actor.memberships.some((m) => m.orgId === orgId))
      throw new AppError('NOT_FOUND', 'No such organization.');
    if (!this.access.can(actor, permission, { orgId })) throw new AppError('FORBIDDEN');
  }

  #needsSession(actor: Actor): void {
    if (actor.via !== 'session') {
      throw new AppError(
        'FORBIDDEN',
        'Changing an organization needs a signed-in session, not an API token.',
      );
    }
  }

  async create(actor: Actor, input: { name: string }, meta: RequestMeta): Promise<OrganizationInfo> {
    if (!this.access.can(actor, 'org.create')) throw new AppError('FORBIDDEN');
    this.#needsSession(actor);
    const name = cleanName(input.name);
    const problem = nameProblem(name);
    if (problem) throw invalid('/name', problem);
    const created = await this.identity.call(() =>
      this.auth.api.createOrganization({ body: { name, slug: slugFor(name) }, headers: authHeaders(meta) }),
    );
    return {
      id: created.id,
      name: created.name,
      slug: created.slug,
      role: 'owner',
      createdAt: created.createdAt,
    };
  }

  async listMine(actor: Actor): Promise<OrganizationInfo[]> {
    const rows = await orgs.organizationsOf(this.db.kysely, actor.userId);
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      slug: r.slug,
      role: r.role as OrgRole,
      createdAt: r.created_at,
    }));
  }

  async get(actor: Actor, orgId: string): Promise<OrganizationInfo> {
    this.#authorize(actor, orgId, 'org.read');
    const org = await orgs.findOrganization(this.db.kysely, orgId);
    const role = actor.memberships.find((m) => m.orgId === orgId)?.role;
    if (!org || !role) throw new AppError('NOT_FOUND', 'No such organization.');
    return { id: org.id, name: org.name, slug: org.slug, role, createdAt: org.created_at };
  }

  async members(actor: Actor, orgId: string): Promise<MemberInfo[]> {
    this.#authorize(actor, orgId, 'org.read');
    const rows = await orgs.membersOf(this.db.kysely, orgId);
    return rows.map((r) => ({
      userId: r.user_id,
      email: r.email,
      name: r.name,
      role: r.role as OrgRole,
      joinedAt: r.created_at,
    }));
  }

  async invitations(actor: Actor, orgId: string): Promise<InvitationInfo[]> {
    this.#authorize(actor, orgId, 'org.manage');
    const now = this.ctx.clock.now();
    const rows = await orgs.invitationsOf(this.db.kysely, orgId, 'pending');
    return rows.map((r) => ({
      id: r.id,
      email: r.email,
      role: (r.role ?? 'member') as OrgRole,
      status: invitationStatus(r, now),
      expiresAt: r.expires_at,
    }));
  }

  async invite(
    actor: Actor,
    orgId: string,
    input: { email: string; role: OrgRole },
    meta: RequestMeta,
  ): Promise<InvitationInfo> {
    this.#authorize(actor, orgId, 'org.manage');
    this.#needsSession(actor);
    const email = normalizeEmail(input.email);
    if (!isValidEmail(email)) throw invalid('/email', 'Enter a valid email address.');
    const created = await this.identity.call(
      () =>
        this.auth.api.createInvitation({
          body: { email, role: input.role, organizationId: orgId },
          headers: authHeaders(meta),
        }),
      { YOU_ARE_NOT_ALLOWED_TO_INVITE_USER_WITH_THIS_ROLE: 'FORBIDDEN' },
    );
    return {
      id: created.id,
      email: created.email,
      role: (created.role ?? 'member') as OrgRole,
      status: 'pending',
      expiresAt: created.expiresAt,
    };
  }

  /** The invitation page: only its recipient may see it. */
  async invitationFor(actor: Actor, invitationId: string) {
    const row = await orgs.findInvitation(this.db.kysely, invitationId);
    if (!row || row.email.toLowerCase() !== actor.email) {
      throw new AppError(
        'TOKEN_INVALID',
        'This invitation is invalid, expired or for another email address.',
      );
    }
    return {
      id: row.id,
      organizationId: row.organization_id,
      organizationName: row.organization_name,
      inviterName: row.inviter_name,
      role: (row.role ?? 'member') as OrgRole,
      status: invitationStatus(row, this.ctx.clock.now()),
      expiresAt: row.expires_at,
    };
  }

  async accept(actor: Actor, invitationId: string, meta: RequestMeta): Promise<{ organizationId: string }> {
    this.#needsSession(actor);
    const invitation = await this.invitationFor(actor, invitationId);
    if (invitation.status !== 'pending') {
      throw new AppError(
        'TOKEN_INVALID',
        'This invitation is invalid, expired or for another email address.',
      );
    }
    await this.identity.call(() =>
      this.auth.api.acceptInvitation({ body: { invitationId }, headers: authHeaders(meta) }),
    );
    return { organizationId: invitation.organizationId };
  }

  async changeRole(
    actor: Actor,
    orgId: string,
    userId: string,
    role: OrgRole,
    meta: RequestMeta,
  ): Promise<MemberInfo> {
    this.#authorize(actor, orgId, 'org.manage');
    this.#needsSession(actor);
    const member = await orgs.findMember(this.db.kysely, orgId, userId);
    if (!member) throw new AppError('NOT_FOUND', 'No such member.');
    await this.identity.call(
      () =>
        this.auth.api.updateMemberRole({
          body: { memberId: member.id, role, organizationId: orgId },
          headers: authHeaders(meta),
        }),
      { YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER: 'FORBIDDEN' },
    );
    const updated = (await orgs.membersOf(this.db.kysely, orgId)).find((m) => m.user_id === userId);
    if (!updated) throw new AppError('NOT_FOUND', 'No such member.');
    return {
      userId,
      email: updated.email,
      name: updated.name,
      role: updated.role as OrgRole,
      joinedAt: updated.created_at,
    };
  }

  /** Managers remove members; anyone may remove themselves (leave). */
  async removeMember(actor: Actor, orgId: string, userId: string, meta: RequestMeta): Promise<void> {
    this.#authorize(actor, orgId, userId === actor.userId ? 'org.read' : 'org.manage');
    this.#needsSession(actor);
    const member = await orgs.findMember(this.db.kysely, orgId, userId);
    if (!member) throw new AppError('NOT_FOUND', 'No such member.');
    const headers = authHeaders(meta);
    await this.identity.call(
      async () => {
        if (userId === actor.userId)
          await this.auth.api.leaveOrganization({ body: { organizationId: orgId }, headers });
        else
          await this.auth.api.removeMember({
            body: { memberIdOrEmail: member.id, organizationId: orgId },
            headers,
          });
      },
      { YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER: 'FORBIDDEN' },
    );
  }
}
