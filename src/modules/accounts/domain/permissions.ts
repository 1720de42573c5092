import type { Actor, OrgRole, PlatformRole, StaffRole } from '../accounts.contract.ts';

/**
 * Roles and permissions as data. The defaults below are what the seeder
 * writes into `permission` / `role_permission` on a fresh install; from then
 * on the tables are the truth (staff may grant or withdraw), and `can` reads
 * a snapshot of them.
 */

export type RoleKind = 'platform' | 'staff' | 'org';

export interface PermissionDef {
  key: string;
  description: string;
}

/** PermissionMatrix of the specification (000, "Authentication and Authorization"), verbatim. */
const SPEC: Record<PlatformRole, readonly string[]> = {
  free: ['view_public_content', 'access_basic_chatbot', 'view_tools_catalog'],
  student: [
    'view_public_content',
    'access_full_chatbot',
    'view_tools_catalog',
    'enroll_courses',
    'take_quizzes',
    'download_resources',
  ],
  pro: [
    'view_public_content',
    'access_full_chatbot',
    'view_tools_catalog',
    'enroll_courses',
    'take_quizzes',
    'download_resources',
    'use_fhir_builder',
    'create_github_repos',
    'priority_support',
  ],
  enterprise: [
    'view_public_content',
    'access_full_chatbot',
    'view_tools_catalog',
    'enroll_courses',
    'take_quizzes',
    'download_resources',
    'use_fhir_builder',
    'create_github_repos',
    'priority_support',
    'bulk_user_management',
    'analytics_dashboard',
    'custom_integrations',
  ],
};

/** What every signed-in person may do with their own account, whatever their plan. */
const SELF_SERVICE = ['account.read', 'account.manage', 'api_tokens.manage', 'org.create'] as const;

const ORG: Record<OrgRole, readonly string[]> = {
  member: ['org.read'],
  admin: ['org.read', 'org.manage'],
  owner: ['org.read', 'org.manage', 'org.delete'],
};

const STAFF_ADMIN = [
  'admin.access',
  'admin.outbox.read',
  'admin.jobs.read',
  'admin.jobs.retry',
  'admin.users.read',
  'admin.users.manage',
  'admin.orgs.read',
  'admin.permissions.manage',
  'admin.audit.read',
  'admin.catalog.manage',
  'admin.quotes.read',
  'admin.quotes.manage',
  'admin.orders.read',
  'admin.subscriptions.manage',
  'admin.orders.refund',
  'admin.licenses.read',
  'admin.licenses.manage',
  'admin.fulfillment.read',
  'admin.fulfillment.manage',
  'admin.consulting.manage',
  'admin.invoices.read',
  'admin.customers.read',
  'admin.orders.resend',
] as const;

/** Support reads what helps answer a customer; besides reads it may only resend a confirmation mail. */
const STAFF_SUPPORT = [
  'admin.access',
  'admin.outbox.read',
  'admin.jobs.read',
  'admin.users.read',
  'admin.orgs.read',
  'admin.quotes.read',
  'admin.orders.read',
  'admin.licenses.read',
  'admin.fulfillment.read',
  'admin.invoices.read',
  'admin.customers.read',
  'admin.orders.resend',
];

const STAFF: Record<StaffRole, readonly string[]> = { admin: STAFF_ADMIN, support: STAFF_SUPPORT };

export const PERMISSIONS: readonly PermissionDef[] = [
  { key: 'view_public_content', description: 'Read public content.' },
  { key: 'access_basic_chatbot', description: 'Use the assistant with the basic limits.' },
  { key: 'access_full_chatbot', description: 'Use the assistant without the basic limits.' },
  { key: 'view_tools_catalog', description: 'Browse the tools catalog.' },
  { key: 'enroll_courses', description: 'Enroll in courses.' },
  { key: 'take_quizzes', description: 'Take course quizzes.' },
  { key: 'download_resources', description: 'Download course resources.' },
  { key: 'use_fhir_builder', description: 'Use the FHIR builder.' },
  { key: 'create_github_repos', description: 'Create GitHub repositories from the builder.' },
  { key: 'priority_support', description: 'Get priority support.' },
  { key: 'bulk_user_management', description: 'Manage users in bulk.' },
  { key: 'analytics_dashboard', description: 'See the analytics dashboard.' },
  { key: 'custom_integrations', description: 'Use custom integrations.' },
  { key: 'account.read', description: 'Read one\u2019s own profile and sessions.' },
  { key: 'account.manage', description: 'Change one\u2019s own profile, password and sessions.' },
  { key: 'api_tokens.manage', description: 'Create and revoke one\u2019s own API tokens.' },
  { key: 'org.create', description: 'Create an organization.' },
  { key: 'org.read', description: 'See an organization one belongs to and its members.' },
  { key: 'org.manage', description: 'Invite, change roles of and remove members of an organization.' },
  { key: 'org.delete', description: 'Delete an organization.' },
  { key: 'admin.access', description: 'Open the admin console.' },
  { key: 'admin.outbox.read', description: 'Read the mail outbox.' },
  { key: 'admin.jobs.read', description: 'See jobs and failed jobs.' },
  { key: 'admin.jobs.retry', description: 'Retry failed jobs.' },
  { key: 'admin.users.read', description: 'Look up users.' },
  { key: 'admin.users.manage', description: 'Change users\u2019 roles and act on their accounts.' },
  { key: 'admin.orgs.read', description: 'Look up organizations.' },
  { key: 'admin.permissions.manage', description: 'Change which role has which permission.' },
  { key: 'admin.audit.read', description: 'Read the audit log of staff actions.' },
  { key: 'admin.catalog.manage', description: 'Edit the catalog: prices, SKUs, bundles (checked, audited).' },
  { key: 'admin.quotes.read', description: 'Read quote requests for contact-sales items.' },
  {
    key: 'admin.quotes.manage',
    description:
      'Move quote requests through the sales pipeline (contacted, won, lost), with a note (audited).',
  },
  { key: 'admin.orders.read', description: 'Look up and search customers\u2019 orders.' },
  {
    key: 'admin.subscriptions.manage',
    description: 'Cancel a customer\u2019s subscription on their behalf (audited).',
  },
  { key: 'admin.orders.refund', description: 'Refund orders, in full or in part (audited).' },
  {
    key: 'admin.licenses.read',
    description: 'Look up and search licenses, their machines, named users and trail (keys stay masked).',
  },
  {
    key: 'admin.licenses.manage',
    description:
      'Suspend, reinstate, revoke and extend licenses, reset their activations, restrict their domains and countries, and set product license policies (audited).',
  },
  {
    key: 'admin.fulfillment.read',
    description: 'See the fulfillment of paid orders (needs attention, steps) and consulting allocations.',
  },
  { key: 'admin.fulfillment.manage', description: 'Retry the fulfillment of an order (audited).' },
  {
    key: 'admin.consulting.manage',
    description: 'Record time worked on a customer\u2019s consulting hours (audited).',
  },
  {
    key: 'admin.invoices.read',
    description: 'Look up and search invoices and credit notes, and download their PDFs.',
  },
  {
    key: 'admin.customers.read',
    description:
      'Search customers and organizations and see what each bought (orders, licenses, subscriptions).',
  },
  {
    key: 'admin.orders.resend',
    description:
      'Send a paid order’s confirmation mail, or a fulfilled order’s delivery mail, again (audited).',
  },
];

export interface Grant {
  roleKind: RoleKind;
  role: string;
  permission: string;
}

/** The default grants the seeder offers once each. */
export function defaultGrants(): Grant[] {
  const out: Grant[] = [];
  for (const [role, perms] of Object.entries(SPEC)) {
    for (const permission of [...perms, ...SELF_SERVICE])
      out.push({ roleKind: 'platform', role, permission });
  }
  for (const [role, perms] of Object.entries(STAFF)) {
    for (const permission of perms) out.push({ roleKind: 'staff', role, permission });
  }
  for (const [role, perms] of Object.entries(ORG)) {
    for (const permission of perms) out.push({ roleKind: 'org', role, permission });
  }
  return out;
}

/** An immutable snapshot of the granted rows: "kind:role" → permissions. */
export type PermissionMatrix = ReadonlyMap<string, ReadonlySet<string>>;

export function buildMatrix(grants: readonly Grant[]): PermissionMatrix {
  const m = new Map<string, Set<string>>();
  for (const g of grants) {
    const key = `${g.roleKind}:${g.role}`;
    const set = m.get(key) ?? new Set<string>();
    set.add(g.permission);
    m.set(key, set);
  }
  return m;
}

export function roleHas(matrix: PermissionMatrix, kind: RoleKind, role: string, permission: string): boolean {
  return matrix.get(`${kind}:${role}`)?.has(permission) ?? false;
}

/** What a permission may be checked against. */
export type Resource = { orgId: string } | { ownerUserId: string };

/**
 * The one authorization rule.
 * - No actor: nothing (public pages need no check).
 * - `{ orgId }`: the actor must be a member, and the permission must be granted to their role in
 *   that organization. Staff roles do not reach into organizations: nobody sees another
 *   organization's data through an org route.
 * - Otherwise the permission must be granted to the actor's platform role or staff role; with
 *   `{ ownerUserId }` the resource must also be the actor's own, unless they may manage users.
 */
export function can(
  matrix: PermissionMatrix,
  actor: Actor | null,
  permission: string,
  resource?: Resource,
): boolean {
  if (!actor) return false;
  if (resource && 'orgId' in resource) {
    const membership = actor.memberships.find((m) => m.orgId === resource.orgId);
    return membership ? roleHas(matrix, 'org', membership.role, permission) : false;
  }
  const staffHas = (p: string) => actor.staffRole !== null && roleHas(matrix, 'staff', actor.staffRole, p);
  const granted = roleHas(matrix, 'platform', actor.platformRole, permission) || staffHas(permission);
  if (!granted) return false;
  if (resource && 'ownerUserId' in resource) {
    return resource.ownerUserId === actor.userId || staffHas('admin.users.manage');
  }
  return true;
}

/** Every permission an actor holds outside organizations (for the account page and `/session`). */
export function permissionsOf(matrix: PermissionMatrix, actor: Actor): string[] {
  const out = new Set(matrix.get(`platform:${actor.platformRole}`) ?? []);
  if (actor.staffRole) for (const p of matrix.get(`staff:${actor.staffRole}`) ?? []) out.add(p);
  return [...out].sort();
}
