import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * A stable machine fingerprint for Node: what identifies the machine (its OS-assigned machine
 * id, host name, platform, architecture, CPU model, the MAC addresses of its physical network
 * interfaces), hashed — the server and the vendor never see the raw values — and namespaced
 * per product (an HMAC keyed by the product), so two products cannot correlate a machine by
 * comparing fingerprints.
 */

export interface FingerprintSources {
  /** The OS's machine id (/etc/machine-id, IOPlatformUUID, MachineGuid, /etc/hostid); null when none is readable. */
  machineId: string | null;
  hostname: string;
  platform: string;
  arch: string;
  cpuModel: string;
  /** MAC addresses of physical, globally administered interfaces: sorted, lower case. */
  macs: string[];
}

const VERSION = 'fhiriq-license-client/fingerprint/v1';

function readFirst(paths: readonly string[]): string | null {
  for (const p of paths) {
    try {
      const value = readFileSync(p, 'utf8').trim();
      if (value) return value;
    } catch {
      // Not on this system: try the next place.
    }
  }
  return null;
}

function run(command: string, args: readonly string[]): string | null {
  try {
    return execFileSync(command, args, {
      encoding: 'utf8',
      timeout: 3000,
      stdio: ['ignore', 'pipe', 'ignore'],
      windowsHide: true,
    });
  } catch {
    return null;
  }
}

/** The OS-assigned machine id: created at install, survives reboots and network changes. */
export function readMachineId(platform: NodeJS.Platform = process.platform): string | null {
  switch (platform) {
    case 'darwin': {
      const out = run('ioreg', ['-rd1', '-c', 'IOPlatformExpertDevice']);
      return out ? (/"IOPlatformUUID"\s*=\s*"([^"]+)"/.exec(out)?.[1] ?? null) : null;
    }
    case 'win32': {
      // The 64-bit registry view: a 32-bit Node would otherwise read a redirected (absent) key.
      const out = run('reg', [
        'query',
        'HKLM\\SOFTWARE\\Microsoft\\Cryptography',
        '/v',
        'MachineGuid',
        '/reg:64',
      ]);
      return out ? (/MachineGuid\s+REG_SZ\s+(\S+)/i.exec(out)?.[1] ?? null) : null;
    }
    case 'freebsd':
    case 'openbsd':
    case 'netbsd':
      return readFirst(['/etc/hostid']) ?? run('kenv', ['-q', 'smbios.system.uuid'])?.trim() ?? null;
    default:
      return readFirst(['/etc/machine-id', '/var/lib/dbus/machine-id']);
  }
}

// Interfaces that come and go with containers, VMs and VPNs: a fingerprint that counted them
// would change whenever Docker starts or a VPN connects, and cost the customer an activation.
const VIRTUAL_INTERFACE =
  /^(lo|docker|veth|br-|virbr|vmnet|vboxnet|vnet|tun|tap|utun|wg|zt|tailscale|llw|awdl|anpi|bridge|ham|cni|flannel|cali|kube)/i;

/** MACs of non-internal, physical interfaces (locally administered — randomized or virtual — ones skipped). */
export function physicalMacs(
  interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]> = os.networkInterfaces(),
): string[] {
  const macs = new Set<string>();
  for (const [name, infos] of Object.entries(interfaces)) {
    if (VIRTUAL_INTERFACE.test(name)) continue;
    for (const info of infos ?? []) {
      const mac = info.mac.toLowerCase();
      if (info.internal || mac === '00:00:00:00:00:00' || !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(mac))
        continue;
      // Bit 1 of the first octet: a locally administered address (Wi-Fi randomization, veth, VMs).
      if (Number.parseInt(mac.slice(0, 2), 16) & 0x02) continue;
      macs.add(mac);
    }
  }
  return [...macs].sort();
}

/** The raw values a fingerprint is computed from (for diagnostics: they never leave the machine). */
export function fingerprintSources(): FingerprintSources {
  return {
    machineId: readMachineId(),
    hostname: os.hostname(),
    platform: process.platform,
    arch: process.arch,
    cpuModel: (os.cpus()[0]?.model ?? '').trim(),
    macs: physicalMacs(),
  };
}

let cachedSources: FingerprintSources | undefined;

export interface FingerprintOptions {
  /** The namespace: the product (`TL-MAPPER`) the fingerprint is for. Different products, unrelated fingerprints. */
  product?: string;
  /** Override some sources (tests, or a container that knows a better machine id). */
  sources?: Partial<FingerprintSources>;
}

/**
 * This machine's fingerprint for a product: 64 hex characters (HMAC-SHA-256), the same on every
 * run while the machine's identity does not change.
 */
export function machineFingerprint(options: FingerprintOptions = {}): string {
  // Read once per process: the sources do not change while it runs, and reading them spawns a process on macOS and Windows.
  cachedSources ??= fingerprintSources();
  const s = { ...cachedSources, ...options.sources };
  const material = JSON.stringify([
    s.machineId,
    s.hostname.toLowerCase(),
    s.platform,
    s.arch,
    s.cpuModel,
    [...s.macs].map((m) => m.toLowerCase()).sort(),
  ]);
  return createHmac('sha256', `${VERSION}\u0000${options.product ?? ''}`)
    .update(material)
    .digest('hex');
}
