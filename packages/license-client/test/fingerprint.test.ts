import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  type FingerprintSources,
  fingerprintSources,
  machineFingerprint,
  physicalMacs,
} from '../src/index.ts';

/** The Node fingerprint: hashed, stable across runs, namespaced per product, blind to virtual interfaces. */

const sources: FingerprintSources = {
  machineId: '4c4c4544-0042-3510-8052-b4c04f4e3232',
  hostname: 'lab-pc-7',
  platform: 'linux',
  arch: 'x64',
  cpuModel: 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz',
  macs: ['3c:ec:ef:12:34:56', '00:1b:21:aa:bb:cc'],
};

describe('machineFingerprint', () => {
  it('is 64 hex characters, the same on every call, and reveals none of its sources', () => {
    const fp = machineFingerprint({ product: 'TL-MAPPER', sources });
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(machineFingerprint({ product: 'TL-MAPPER', sources })).toBe(fp);
    for (const value of [sources.machineId!, sources.hostname, ...sources.macs])
      expect(fp).not.toContain(value);
  });

  it('is namespaced per product: two products cannot correlate a machine', () => {
    const a = machineFingerprint({ product: 'TL-MAPPER', sources });
    const b = machineFingerprint({ product: 'TL-QUALITY', sources });
    expect(a).not.toBe(b);
    expect(machineFingerprint({ sources })).not.toBe(a);
  });

  it('changes with the machine, not with the order of its interfaces or the case of its host name', () => {
    const base = machineFingerprint({ product: 'P', sources });
    expect(
      machineFingerprint({ product: 'P', sources: { ...sources, macs: [...sources.macs].reverse() } }),
    ).toBe(base);
    expect(machineFingerprint({ product: 'P', sources: { ...sources, hostname: 'LAB-PC-7' } })).toBe(base);
    for (const change of [
      { machineId: '00000000-0000-0000-0000-000000000000' },
      { machineId: null },
      { hostname: 'lab-pc-8' },
      { arch: 'arm64' },
      { cpuModel: 'Apple M2' },
      { macs: ['3c:ec:ef:12:34:56'] },
    ])
      expect(machineFingerprint({ product: 'P', sources: { ...sources, ...change } })).not.toBe(base);
  });

  it('is the same in another process on this machine (stable across runs)', () => {
    const here = machineFingerprint({ product: 'TL-MAPPER' });
    const module = pathToFileURL(path.resolve(import.meta.dirname, '../src/fingerprint.ts')).href;
    const there = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { machineFingerprint } from ${JSON.stringify(module)}; process.stdout.write(machineFingerprint({ product: 'TL-MAPPER' }));`,
      ],
      { encoding: 'utf8', cwd: path.resolve(import.meta.dirname, '../../..') },
    );
    expect(there).toBe(here);
  });

  it('reads this machine’s sources', () => {
    const s = fingerprintSources();
    expect(s.platform).toBe(process.platform);
    expect(s.arch).toBe(process.arch);
    expect(typeof s.hostname).toBe('string');
    if (
      process.platform === 'linux' &&
      fs.existsSync('/etc/machine-id') &&
      fs.readFileSync('/etc/machine-id', 'utf8').trim()
    )
      expect(s.machineId).toBe(fs.readFileSync('/etc/machine-id', 'utf8').trim());
  });
});

describe('physicalMacs', () => {
  const nic = (mac: string, internal = false) => ({
    address: '10.0.0.2',
    netmask: '255.255.255.0',
    family: 'IPv4' as const,
    mac,
    internal,
    cidr: '10.0.0.2/24',
  });

  it('keeps physical interfaces, skips loopback, virtual, container and randomized ones', () => {
    expect(
      physicalMacs({
        lo: [nic('00:00:00:00:00:00', true)],
        eth0: [nic('3C:EC:EF:12:34:56'), nic('3c:ec:ef:12:34:56')],
        wlan0: [nic('00:1b:21:aa:bb:cc')],
        docker0: [nic('02:42:ac:11:00:02')],
        veth12ab: [nic('6e:0b:1a:2b:3c:4d')],
        tun0: [nic('00:11:22:33:44:55')],
        eth1: [nic('02:00:00:aa:bb:cc')], // locally administered: randomized or virtual
        eth2: [nic('00:00:00:00:00:00')],
      }),
    ).toEqual(['00:1b:21:aa:bb:cc', '3c:ec:ef:12:34:56']);
  });
});
