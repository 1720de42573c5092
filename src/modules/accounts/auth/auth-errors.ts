import { isAPIError } from 'better-auth/api';
import { AppError, type ErrorCode } from '../../../platform/errors.ts';

/**
 * better-auth refuses with an APIError carrying its own code and English
 * message. Clients only ever see our catalog: the code is translated here and
 * its message dropped (it can say more than we want to, e.g. "User not found").
 */

const BY_CODE: Record<string, ErrorCode> = {
  INVALID_EMAIL_OR_PASSWORD: 'INVALID_CREDENTIALS',
  EMAIL_NOT_VERIFIED: 'EMAIL_NOT_VERIFIED',
  INVALID_TOKEN: 'TOKEN_INVALID',
  TOKEN_EXPIRED: 'TOKEN_INVALID',
  UNAUTHORIZED: 'UNAUTHENTICATED',
  SESSION_EXPIRED: 'UNAUTHENTICATED',
  FAILED_TO_GET_SESSION: 'UNAUTHENTICATED',
  ORGANIZATION_ALREADY_EXISTS: 'CONFLICT',
  ORGANIZATION_SLUG_ALREADY_TAKEN: 'CONFLICT',
  USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION: 'CONFLICT',
  USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION: 'CONFLICT',
  YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER: 'CONFLICT',
  YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER: 'CONFLICT',
  ORGANIZATION_MEMBERSHIP_LIMIT_REACHED: 'CONFLICT',
  INVITATION_LIMIT_REACHED: 'CONFLICT',
  ORGANIZATION_NOT_FOUND: 'NOT_FOUND',
  MEMBER_NOT_FOUND: 'NOT_FOUND',
  USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION: 'NOT_FOUND',
  YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION: 'NOT_FOUND',
  INVITATION_NOT_FOUND: 'TOKEN_INVALID',
  YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION: 'TOKEN_INVALID',
  EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION: 'EMAIL_NOT_VERIFIED',
};

const MESSAGES: Partial<Record<string, string>> = {
  ORGANIZATION_ALREADY_EXISTS: 'An organization with this address already exists.',
  ORGANIZATION_SLUG_ALREADY_TAKEN: 'An organization with this address already exists.',
  USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION: 'This person is already a member.',
  USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION: 'This person has already been invited.',
  YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER: 'An organization needs at least one owner.',
  YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER: 'An organization needs at least one owner.',
  INVITATION_NOT_FOUND: 'This invitation is invalid, expired or for another email address.',
  YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION:
    'This invitation is invalid, expired or for another email address.',
};

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  422: 'CONFLICT',
  429: 'RATE_LIMITED',
};

export interface AuthErrorInfo {
  /** better-auth's code, e.g. INVALID_EMAIL_OR_PASSWORD; for logs and per-call overrides. */
  authCode: string;
  status: number;
}

export function authErrorInfo(err: unknown): AuthErrorInfo | null {
  if (!isAPIError(err)) return null;
  const body = err.body as { code?: unknown } | undefined;
  const authCode = typeof body?.code === 'string' ? body.code : String(err.status);
  return { authCode, status: err.statusCode };
}

/**
 * Our error for a better-auth refusal. `overrides` lets a use case say what a code means there
 * (a wrong current password is a field error on the change-password form, not a failed sign-in).
 */
export function toAppError(
  info: AuthErrorInfo,
  overrides: Partial<Record<string, ErrorCode | AppError>> = {},
  cause?: unknown,
): AppError {
  const override = overrides[info.authCode];
  if (override instanceof AppError) return override;
  const code = override ?? BY_CODE[info.authCode] ?? BY_STATUS[info.status] ?? 'INTERNAL';
  return new AppError(code, MESSAGES[info.authCode], { cause });
}
