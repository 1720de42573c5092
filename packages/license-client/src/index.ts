/**
 * @fhiriq/license-client for Node: the runtime-neutral client (see web.ts) plus a stable,
 * hashed machine fingerprint, a file store, and a LicenseClient that uses both by default.
 */

export { FileStorage } from './file-storage.ts';
export {
  type FingerprintOptions,
  type FingerprintSources,
  fingerprintSources,
  machineFingerprint,
  physicalMacs,
  readMachineId,
} from './fingerprint.ts';
// The Node client replaces the runtime-neutral one of the same name (a local export wins over `export *`).
export { LicenseClient, type NodeLicenseClientOptions } from './node.ts';
export * from './web.ts';
