import type { Generated, Kysely } from 'kysely';
import type { PlatformTables } from '../../platform/db/client.ts';

/** The tables of migrations/202611210100_accounts_init.sql, as Kysely sees them. */
export type AccountsTables = {
  auth_user: {
    id: string;
    name: string;
    email: string;
    email_verified: boolean;
    image: string | null;
    created_at: Date;
    updated_at: Date;
    platform_role: string;
    staff_role: string | null;
    must_change_password: boolean;
  };
  auth_session: {
    id: string;
    expires_at: Date;
    token: string;
    created_at: Date;
    updated_at: Date;
    ip_address: string | null;
    user_agent: string | null;
    user_id: string;
    active_organization_id: string | null;
  };
  auth_account: {
    id: string;
    account_id: string;
    provider_id: string;
    user_id: string;
    access_token: string | null;
    refresh_token: string | null;
    id_token: string | null;
    access_token_expires_at: Date | null;
    refresh_token_expires_at: Date | null;
    scope: string | null;
    password: string | null;
    created_at: Date;
    updated_at: Date;
  };
  auth_verification: {
    id: string;
    identifier: string;
    value: string;
    expires_at: Date;
    created_at: Date;
    updated_at: Date;
  };
  organization: {
    id: string;
    name: string;
    slug: string;
    logo: string | null;
    created_at: Date;
    metadata: string | null;
  };
  organization_member: {
    id: string;
    organization_id: string;
    user_id: string;
    role: string;
    created_at: Date;
  };
  organization_invitation: {
    id: string;
    organization_id: string;
    email: string;
    role: string | null;
    status: string;
    expires_at: Date;
    created_at: Date;
    inviter_id: string;
  };
  /** migrations/202611270510_accounts_org_billing.sql */
  organization_billing: {
    organization_id: string;
    legal_name: string;
    line1: string;
    line2: string | null;
    city: string;
    postal_code: string;
    region: string | null;
    country: string;
    email: string;
    vat_id: string | null;
    updated_at: Date;
    updated_by: string;
  };
  api_token: {
    id: string;
    user_id: string;
    name: string;
    token_hash: string;
    display_prefix: string;
    created_at: Date;
    last_used_at: Date | null;
    expires_at: Date | null;
    revoked_at: Date | null;
  };
  permission: {
    key: string;
    description: string;
    created_at: Generated<Date>;
  };
  role_permission: {
    role_kind: string;
    role: string;
    permission: string;
    granted: boolean;
    updated_at: Date;
    updated_by: string | null;
  };
  account_notice: {
    user_id: string;
    kind: string;
    last_sent_at: Date;
  };
};

/** The platform's tables plus ours: the handle our repository and better-auth share. */
export type AccountsDb = PlatformTables & AccountsTables;

export type AccountsKysely = Kysely<AccountsDb>;

export type UserRow = AccountsTables['auth_user'];
export type SessionRow = AccountsTables['auth_session'];
export type ApiTokenRow = AccountsTables['api_token'];
