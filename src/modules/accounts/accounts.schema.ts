import Type, { type Static } from 'typebox';
import { ID_PATTERN } from '../../platform/ids.ts';

export { BODY_ERRORS, errorResponses as errors } from '../../platform/http/schemas.ts';

/**
 * Request and response schemas of the accounts JSON API. Every object is
 * closed (`additionalProperties: false`: an unknown field is a 400) and every
 * string bounded, so nothing unbounded reaches better-auth or the database.
 */

const closed = { additionalProperties: false } as const;

export const Name = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'A display name, 1–100 characters.',
});
export const Email = Type.String({
  minLength: 3,
  maxLength: 254,
  description: 'An email address (normalised: trimmed, lower-cased).',
});
export const Password = Type.String({
  minLength: 1,
  maxLength: 128,
  description: '10–128 characters for a new password.',
});
/** Verification links carry a signed JWT (longer than a random token); reset links a 24-character token. */
export const LinkToken = Type.String({ minLength: 1, maxLength: 1024, pattern: '^[A-Za-z0-9._-]+$' });
export const Id = Type.String({ pattern: ID_PATTERN, maxLength: 40 });
const DateTime = Type.String({ format: 'date-time' });
const NullableDateTime = Type.Union([DateTime, Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
const OrgRoleSchema = Type.Union([
  Type.Literal('owner'),
  Type.Literal('admin'),
  Type.Literal('billing'),
  Type.Literal('member'),
]);

// ---- bodies -------------------------------------------------------------------------------------------------

export const SignUpBody = Type.Object({ name: Name, email: Email, password: Password }, closed);
export const SignInBody = Type.Object({ email: Email, password: Password }, closed);
export const EmailBody = Type.Object({ email: Email }, closed);
export const VerifyEmailBody = Type.Object({ token: LinkToken }, closed);
export const ResetPasswordBody = Type.Object({ token: LinkToken, password: Password }, closed);
export const ChangePasswordBody = Type.Object({ currentPassword: Password, newPassword: Password }, closed);
export const ProfilePatchBody = Type.Object({ name: Name }, closed);
export const CreateTokenBody = Type.Object(
  {
    name: Name,
    expiresInDays: Type.Optional(
      Type.Union([Type.Integer({ minimum: 1, maximum: 3650 }), Type.Null()], {
        description: 'Days until the token stops working; omit or null for no expiry.',
      }),
    ),
  },
  closed,
);
export const CreateOrgBody = Type.Object({ name: Name }, closed);
export const InviteBody = Type.Object({ email: Email, role: OrgRoleSchema }, closed);
export const ChangeRoleBody = Type.Object({ role: OrgRoleSchema }, closed);
export const EmptyBody = Type.Object({}, closed);

export const IdParams = Type.Object({ id: Id }, closed);
export const OrgParams = Type.Object({ orgId: Id }, closed);
export const MemberParams = Type.Object({ orgId: Id, userId: Id }, closed);

export type SignUpInput = Static<typeof SignUpBody>;
export type SignInInput = Static<typeof SignInBody>;
export type CreateTokenInput = Static<typeof CreateTokenBody>;

// ---- responses ----------------------------------------------------------------------------------------------

export const Accepted = Type.Object(
  { status: Type.Literal('accepted'), message: Type.String() },
  { ...closed, description: 'The request was taken; what happens next is told by mail.' },
);
export const Ok = Type.Object({ status: Type.Literal('ok') }, closed);

export const Profile = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    emailVerified: Type.Boolean(),
    platformRole: Type.Union([
      Type.Literal('free'),
      Type.Literal('student'),
      Type.Literal('pro'),
      Type.Literal('enterprise'),
    ]),
    staffRole: Type.Union([Type.Literal('admin'), Type.Literal('support'), Type.Null()]),
    createdAt: DateTime,
  },
  closed,
);

export const SessionActor = Type.Object(
  {
    user: Profile,
    via: Type.Union([Type.Literal('session'), Type.Literal('api_token')]),
    mustChangePassword: Type.Boolean(),
    permissions: Type.Array(Type.String()),
    organizations: Type.Array(Type.Object({ id: Type.String(), role: OrgRoleSchema }, closed)),
  },
  closed,
);

export const SessionSchema = Type.Object(
  {
    id: Type.String(),
    createdAt: DateTime,
    expiresAt: DateTime,
    ipAddress: NullableString,
    userAgent: NullableString,
    current: Type.Boolean(),
  },
  closed,
);

export const TokenSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    prefix: Type.String({ description: 'The first characters of the token, safe to show.' }),
    createdAt: DateTime,
    lastUsedAt: NullableDateTime,
    expiresAt: NullableDateTime,
  },
  closed,
);
export const CreatedToken = Type.Object(
  {
    token: Type.String({ description: 'The token itself (`fiq_…`). Shown this once; store it now.' }),
    info: TokenSchema,
  },
  closed,
);

export const OrgSchema = Type.Object(
  { id: Type.String(), name: Type.String(), slug: Type.String(), role: OrgRoleSchema, createdAt: DateTime },
  closed,
);
export const MemberSchema = Type.Object(
  {
    userId: Type.String(),
    email: Type.String(),
    name: Type.String(),
    role: OrgRoleSchema,
    joinedAt: DateTime,
  },
  closed,
);
export const InvitationSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    role: OrgRoleSchema,
    status: Type.Union([
      Type.Literal('pending'),
      Type.Literal('accepted'),
      Type.Literal('canceled'),
      Type.Literal('expired'),
    ]),
    expiresAt: DateTime,
  },
  closed,
);

const optionalText = (max: number) => Type.Optional(Type.String({ maxLength: max }));
export const OrgBillingBody = Type.Object(
  {
    legalName: Type.String({ minLength: 1, maxLength: 100, description: 'What invoices print.' }),
    line1: Type.String({ minLength: 1, maxLength: 200 }),
    line2: optionalText(200),
    city: Type.String({ minLength: 1, maxLength: 100 }),
    postalCode: Type.String({ minLength: 1, maxLength: 16 }),
    region: optionalText(3),
    country: Type.String({ minLength: 2, maxLength: 2, description: 'ISO 3166-1 alpha-2 (GB, not UK).' }),
    email: Type.String({ minLength: 3, maxLength: 254, description: 'Where invoices go.' }),
    vatId: Type.Optional(
      Type.String({
        maxLength: 40,
        description:
          'EU/UK VAT ID (verified with VIES when configured), Canadian GST/HST number, or another tax number; empty for none.',
      }),
    ),
  },
  closed,
);
const TaxIdSchema = Type.Object(
  {
    id: Type.String(),
    status: Type.Union([
      Type.Literal('pending'),
      Type.Literal('valid'),
      Type.Literal('invalid'),
      Type.Literal('unchecked'),
    ]),
    source: Type.Union([Type.Literal('vies'), Type.Literal('local-format'), Type.Null()]),
    checkedAt: NullableDateTime,
  },
  { ...closed, description: 'The VAT ID’s verification: `pending` while VIES has not answered.' },
);
export const OrgBillingSchema = Type.Object(
  {
    billing: Type.Union([
      Type.Object(
        {
          legalName: Type.String(),
          line1: Type.String(),
          line2: NullableString,
          city: Type.String(),
          postalCode: Type.String(),
          region: NullableString,
          country: Type.String(),
          email: Type.String(),
          vatId: NullableString,
          vat: Type.Union([TaxIdSchema, Type.Null()]),
          updatedAt: DateTime,
        },
        closed,
      ),
      Type.Null(),
    ]),
  },
  closed,
);

// ---- errors -------------------------------------------------------------------------------------------------
