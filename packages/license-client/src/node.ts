import os from 'node:os';
import {
  type ActivateOptions,
  LicenseClient as BaseLicenseClient,
  type LicenseClientOptions,
} from './client.ts';
import { FileStorage } from './file-storage.ts';
import { machineFingerprint } from './fingerprint.ts';

export interface NodeLicenseClientOptions extends LicenseClientOptions {
  /**
   * A directory for the cache (created 0700, files 0600, written atomically), e.g.
   * `~/.config/your-app/license`. Ignored when `storage` is given. Without either: memory only.
   */
  cacheDir?: string;
}

// The server accepts labels of 1–200 characters without control characters.
const label = (value: string): string | undefined => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
  const clean = value.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200);
  return clean.length > 0 ? clean : undefined;
};

/**
 * The client for Node: without a `fingerprint`, this machine's (hashed, namespaced by
 * `product`); with `cacheDir`, a file store; activations name the platform and host name.
 */
export class LicenseClient extends BaseLicenseClient {
  constructor(options: NodeLicenseClientOptions) {
    const { cacheDir, ...rest } = options;
    super({
      ...rest,
      fingerprint:
        options.fingerprint ??
        (() => machineFingerprint(options.product !== undefined ? { product: options.product } : {})),
      storage: options.storage ?? (cacheDir !== undefined ? new FileStorage(cacheDir) : undefined),
    });
  }

  protected override activationDefaults(): ActivateOptions {
    const defaults: ActivateOptions = { platform: `${process.platform}-${process.arch}` };
    const hostname = label(os.hostname());
    if (hostname) defaults.hostname = hostname;
    return defaults;
  }
}
