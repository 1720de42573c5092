import { describe, expect, it } from 'vitest';
import type { Actor } from '../accounts.contract.ts';
import { buildMatrix, can, defaultGrants, PERMISSIONS, permissionsOf } from './permissions.ts';

const matrix = buildMatrix(defaultGrants());

function actor(overrides: Partial<Actor> = {}): Actor {
  return {
    userId: 'usr_a',
    email: 'a@example.org',
    name: 'A',
    platformRole: 'free',
    staffRole: null,
    memberships: [],
    via: 'session',
    sessionId: 'ses_a',
    mustChangePassword: false,
    ...overrides,
  };
}

describe('the PermissionMatrix of the specification', () => {
  it.each([
    ['free', 'view_public_content', true],
    ['free', 'access_basic_chatbot', true],
    ['free', 'access_full_chatbot', false],
    ['free', 'enroll_courses', false],
    ['student', 'enroll_courses', true],
    ['student', 'take_quizzes', true],
    ['student', 'access_basic_chatbot', false],
    ['student', 'use_fhir_builder', false],
    ['pro', 'use_fhir_builder', true],
    ['pro', 'create_github_repos', true],
    ['pro', 'priority_support', true],
    ['pro', 'bulk_user_management', false],
    ['enterprise', 'bulk_user_management', true],
    ['enterprise', 'analytics_dashboard', true],
    ['enterprise', 'custom_integrations', true],
  ] as const)('%s → %s: %s', (role, permission, expected) => {
    expect(can(matrix, actor({ platformRole: role }), permission)).toBe(expected);
  });

  it('lets every plan manage its own account', () => {
    for (const role of ['free', 'student', 'pro', 'enterprise'] as const) {
      for (const p of ['account.read', 'account.manage', 'api_tokens.manage', 'org.create']) {
        expect(can(matrix, actor({ platformRole: role }), p)).toBe(true);
      }
    }
  });

  it('gives nothing to nobody', () => {
    expect(can(matrix, null, 'view_public_content')).toBe(false);
  });

  it('declares every granted permission', () => {
    const declared = new Set(PERMISSIONS.map((p) => p.key));
    for (const g of defaultGrants()) expect(declared.has(g.permission), g.permission).toBe(true);
  });
});

describe('staff roles', () => {
  it('admin holds every admin permission; support only reads', () => {
    const admin = actor({ staffRole: 'admin' });
    const support = actor({ staffRole: 'support' });
    for (const p of PERMISSIONS.filter((d) => d.key.startsWith('admin.')).map((d) => d.key)) {
      expect(can(matrix, admin, p), p).toBe(true);
    }
    expect(can(matrix, support, 'admin.access')).toBe(true);
    expect(can(matrix, support, 'admin.outbox.read')).toBe(true);
    expect(can(matrix, support, 'admin.jobs.read')).toBe(true);
    expect(can(matrix, support, 'admin.jobs.retry')).toBe(false);
    expect(can(matrix, support, 'admin.users.manage')).toBe(false);
    expect(can(matrix, actor(), 'admin.access')).toBe(false);
  });

  it('adds to the plan, it does not replace it', () => {
    expect(can(matrix, actor({ staffRole: 'support' }), 'view_public_content')).toBe(true);
    expect(permissionsOf(matrix, actor({ staffRole: 'support' }))).toContain('admin.access');
  });
});

describe('organization resources', () => {
  const org = { orgId: 'org_1' };
  it('needs membership, whatever the other roles', () => {
    expect(can(matrix, actor(), 'org.read', org)).toBe(false);
    expect(can(matrix, actor({ staffRole: 'admin', platformRole: 'enterprise' }), 'org.read', org)).toBe(
      false,
    );
    expect(can(matrix, actor({ memberships: [{ orgId: 'org_2', role: 'owner' }] }), 'org.read', org)).toBe(
      false,
    );
  });

  it('grants by the role in that organization', () => {
    const member = actor({ memberships: [{ orgId: 'org_1', role: 'member' }] });
    const admin = actor({ memberships: [{ orgId: 'org_1', role: 'admin' }] });
    const owner = actor({ memberships: [{ orgId: 'org_1', role: 'owner' }] });
    expect(can(matrix, member, 'org.read', org)).toBe(true);
    expect(can(matrix, member, 'org.manage', org)).toBe(false);
    expect(can(matrix, admin, 'org.manage', org)).toBe(true);
    expect(can(matrix, admin, 'org.delete', org)).toBe(false);
    expect(can(matrix, owner, 'org.delete', org)).toBe(true);
  });

  it.each([
    ['member', 'org.billing.read', true],
    ['member', 'org.purchase', true],
    ['member', 'org.billing.manage', false],
    ['member', 'org.orders.read', false],
    ['billing', 'org.billing.manage', true],
    ['billing', 'org.orders.read', true],
    ['billing', 'org.purchase', true],
    ['billing', 'org.manage', false],
    ['admin', 'org.orders.read', true],
    ['admin', 'org.billing.manage', true],
    ['owner', 'org.orders.read', true],
  ] as const)('a %s in the organization → %s: %s', (role, permission, expected) => {
    expect(can(matrix, actor({ memberships: [{ orgId: 'org_1', role }] }), permission, org)).toBe(expected);
  });
});

describe('owned resources', () => {
  it('allows one\u2019s own, and other people\u2019s only to user managers', () => {
    expect(can(matrix, actor(), 'account.manage', { ownerUserId: 'usr_a' })).toBe(true);
    expect(can(matrix, actor(), 'account.manage', { ownerUserId: 'usr_b' })).toBe(false);
    expect(can(matrix, actor({ staffRole: 'support' }), 'account.manage', { ownerUserId: 'usr_b' })).toBe(
      false,
    );
    expect(can(matrix, actor({ staffRole: 'admin' }), 'account.manage', { ownerUserId: 'usr_b' })).toBe(true);
  });

  it('still needs the permission itself', () => {
    expect(can(matrix, actor(), 'use_fhir_builder', { ownerUserId: 'usr_a' })).toBe(false);
  });
});

describe('the matrix is data', () => {
  it('follows the rows it is built from', () => {
    const withdrawn = buildMatrix(
      defaultGrants().filter((g) => !(g.role === 'free' && g.permission === 'access_basic_chatbot')),
    );
    expect(can(withdrawn, actor(), 'access_basic_chatbot')).toBe(false);
    const granted = buildMatrix([
      ...defaultGrants(),
      { roleKind: 'platform', role: 'free', permission: 'use_fhir_builder' },
    ]);
    expect(can(granted, actor(), 'use_fhir_builder')).toBe(true);
  });

  it('is not changed by a check', () => {
    const before = JSON.stringify([...matrix].map(([k, v]) => [k, [...v]]));
    can(matrix, actor({ memberships: [{ orgId: 'o', role: 'owner' }] }), 'org.manage', { orgId: 'o' });
    expect(JSON.stringify([...matrix].map(([k, v]) => [k, [...v]]))).toBe(before);
  });
});
