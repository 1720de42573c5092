/**
 * The runtime-neutral client (browsers, Deno, workers, Node): WebCrypto and fetch only. Pass a
 * `fingerprint` and a `storage`; Node applications use the package's main entry, which adds
 * the Node fingerprint and a file store.
 */
export {
  type ActivateOptions,
  DEFAULTS,
  type FetchLike,
  type HeartbeatLoop,
  type HeartbeatLoopOptions,
  LicenseClient,
  LicenseClientError,
  type LicenseClientErrorCode,
  type LicenseClientOptions,
  type ValidateOptions,
} from './client.ts';
export {
  type KeyResolver,
  type KeyVerdict,
  PublicKeySet,
  type PublicKeysInput,
  type PublishedJwk,
  type PublishedKeys,
  parsePublishedKeys,
} from './keys.ts';
export { type LicenseStorage, MemoryStorage } from './storage.ts';
export * from './types.ts';
export {
  parseLicenseFile,
  parseSignatureHeader,
  productMatches,
  type SignatureHeader,
  type SignedFileEnvelope,
  type VerifyFileOptions,
  verifyLicenseFile,
  verifySignatureHeader,
} from './verify.ts';
