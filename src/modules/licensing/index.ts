/**
 * Licensing (issue 4, being built): license keys with a check group, the
 * validation codes and their fixed order, signed license and machine files.
 * The pure rules come first; fulfillment, storage and the public license API
 * build on them.
 */

export {
  type CertificateVerification,
  canonicalJson,
  generateSigningKey,
  keyId,
  type PublicKeyInfo,
  publicJwk,
  type SignedFile,
  type SigningAlgorithm,
  type SigningKey,
  signFile,
  signingKeyFromPem,
  verifyFile,
} from './domain/certificate.ts';
export {
  checkGroup,
  generateLicenseKey,
  KEY_ALPHABET,
  type KeyParse,
  maskLicenseKey,
  parseLicenseKey,
} from './domain/license-key.ts';
export {
  type LicenseFacts,
  type LicenseStatus,
  VALIDATION_CODES,
  type ValidationCode,
  type ValidationResult,
  type ValidationScope,
  validateLicense,
} from './domain/validation.ts';
