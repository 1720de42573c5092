import type { DbHandle } from '../../platform/db/transaction.ts';

/**
 * The accounts module's service surface, shared by its JSON routes, its pages
 * and other modules (through index.ts). Written first so routes and pages can
 * be built against it in parallel.
 */

export const PLATFORM_ROLES = ['free', 'student', 'pro', 'enterprise'] as const;
export type PlatformRole = (typeof PLATFORM_ROLES)[number];

export const STAFF_ROLES = ['admin', 'support'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * Organization roles. `billing` manages the organization's billing details and sees its orders,
 * invoices and credit notes, without managing members (domain/permissions.ts has the matrix).
 */
export const ORG_ROLES = ['owner', 'admin', 'billing', 'member'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

/** Who is making a request, resolved once per request from the session cookie or a bearer API token. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  platformRole: PlatformRole;
  staffRole: StaffRole | null;
  /** Organization memberships, for `can(actor, permission, { orgId })`. */
  memberships: { orgId: string; role: OrgRole }[];
  via: 'session' | 'api_token';
  /** Session id (for "this device" in the session list) when via = session. */
  sessionId: string | null;
  /** The account was created with a one-time password that must be changed. */
  mustChangePassword: boolean;
}

export interface UserProfile {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  platformRole: PlatformRole;
  staffRole: StaffRole | null;
  createdAt: Date;
}

export interface SessionInfo {
  id: string;
  createdAt: Date;
  expiresAt: Date;
  ipAddress: string | null;
  userAgent: string | null;
  current: boolean;
}

export interface ApiTokenInfo {
  id: string;
  name: string;
  /** The first characters, safe to show ("fiq_AbC1…"). */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
}

export interface OrganizationInfo {
  id: string;
  name: string;
  slug: string;
  role: OrgRole;
  createdAt: Date;
}

export interface MemberInfo {
  userId: string;
  email: string;
  name: string;
  role: OrgRole;
  joinedAt: Date;
}

export interface InvitationInfo {
  id: string;
  email: string;
  role: OrgRole;
  status: 'pending' | 'accepted' | 'canceled' | 'expired';
  expiresAt: Date;
}

/** What the HTTP layer passes down so services can record and rate-limit by client. */
export interface RequestMeta {
  ip: string;
  userAgent: string | null;
  /** The request's Cookie header, for calls that act on the caller's own session. */
  cookie?: string | null;
}

/** A successful sign-in: the Set-Cookie header values to send back. */
export interface SignInResult {
  actor: Actor;
  setCookies: string[];
}

/** A tax registration number (VAT ID) and its verification, as the tax module reports it. */
export interface TaxIdStatus {
  id: string;
  status: 'pending' | 'valid' | 'invalid' | 'unchecked';
  source: 'vies' | 'local-format' | null;
  checkedAt: Date | null;
}

/**
 * The tax module's VAT-ID verification, handed to accounts by the module wiring (accounts sits
 * below tax and cannot import it). `check` throws VAT_ID_INVALID for a malformed number.
 */
export interface TaxIdChecker {
  check(raw: string, country: string, trx: DbHandle): Promise<TaxIdStatus>;
  status(id: string, country: string): Promise<TaxIdStatus>;
}

/** An organization's billing details, what invoices of its purchases print. */
export interface OrganizationBilling {
  organizationId: string;
  organizationName: string;
  legalName: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  region: string | null;
  country: string;
  email: string;
  vatId: string | null;
  /** The VAT ID's current verification (null without a VAT ID). */
  vat: TaxIdStatus | null;
  updatedAt: Date;
}
