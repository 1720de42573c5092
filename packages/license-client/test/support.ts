import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import type { FetchLike } from '../src/index.ts';

/** The real server in process, listening on 127.0.0.1, and what the client tests do to its answers. */

export const START = '2026-06-01T12:00:00.000Z';
export const HOUR = 3600_000;
export const DAY = 24 * HOUR;

export interface Server {
  t: TestApp;
  baseUrl: string;
  /** The server's (manual) clock, which the clients share unless a test shifts theirs. */
  now: () => Date;
  issue(
    sku?: string,
    options?: { seats?: number; validUntil?: Date | null },
  ): Promise<{ key: string; id: string }>;
  close(): Promise<void>;
}

let seq = 0;

export async function startServer(): Promise<Server> {
  const t = await createTestApp({ clockAt: START });
  // A real socket, so the client's real fetch (and its failures) are what is tested.
  const baseUrl = await t.http.listen({ host: '127.0.0.1', port: 0 });
  return {
    t,
    baseUrl,
    now: () => t.clock!.now(),
    async issue(sku = 'TL-MAPPER-PR-A', options = {}) {
      seq += 1;
      const issued = await t.app.modules.licensing.licenses.issue({
        sku,
        email: `buyer${seq}@hospital.org`,
        source: 'staff',
        sourceRef: `sdk-test-${process.pid}-${seq}`,
        ...(options.seats !== undefined ? { seats: options.seats } : {}),
        ...(options.validUntil !== undefined ? { validUntil: options.validUntil } : {}),
      });
      return { key: issued.key, id: issued.license.id };
    },
    close: () => t.close(),
  };
}

export { removeTempDirs, tempDir } from './temp.ts';

export interface Captured {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * A fetch in front of the real one: counts calls, takes the server down (network error, 503,
 * 429), or rewrites answers (status, headers, body) the way an attacker in the middle would.
 */
export class Tap {
  mode: 'pass' | 'down' | '503' | '429' = 'pass';
  calls: string[] = [];
  alter: ((answer: Captured, path: string) => Captured | undefined) | undefined;
  /** The last answer the real server gave to a license call (not keys.json): for replays. */
  last: Captured | undefined;

  readonly fetch: FetchLike = async (url, init) => {
    const path = new URL(url).pathname;
    this.calls.push(path);
    if (this.mode === 'down')
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') });
    if (this.mode === '503') return new Response('{"error":{"code":"UNAVAILABLE"}}', { status: 503 });
    if (this.mode === '429')
      return new Response('{"error":{"code":"RATE_LIMITED"}}', {
        status: 429,
        headers: { 'retry-after': '42' },
      });
    const real = await fetch(url, init);
    const answer: Captured = {
      status: real.status,
      headers: new Headers(real.headers),
      body: await real.text(),
    };
    const altered = this.alter?.(answer, path);
    if (path.startsWith('/api/')) this.last = answer;
    const out = altered ?? answer;
    return new Response(out.body, { status: out.status, headers: out.headers });
  };

  count(path: string): number {
    return this.calls.filter((c) => c.endsWith(path)).length;
  }
}

const BEGIN = '-----BEGIN FHIR IQ LICENSE FILE-----';
const END = '-----END FHIR IQ LICENSE FILE-----';

export interface Envelope {
  payload: string;
  alg: string;
  kid: string;
  sig: string;
}

export function unarmor(file: string): Envelope {
  const body = file.trim().slice(BEGIN.length, -END.length).replace(/\s+/g, '');
  return JSON.parse(Buffer.from(body, 'base64').toString('utf8')) as Envelope;
}

export function armor(envelope: Envelope): string {
  const body = Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64');
  return `${BEGIN}\n${body.match(/.{1,64}/g)?.join('\n') ?? ''}\n${END}\n`;
}

/** The file with one byte of its signed payload changed (the signature is left as it was). */
export function flipPayloadByte(file: string, from: string, to: string): string {
  const envelope = unarmor(file);
  const payload = Buffer.from(envelope.payload, 'base64url').toString('utf8');
  if (from.length !== 1 || to.length !== 1 || !payload.includes(from)) throw new Error('nothing to flip');
  const changed = payload.replace(from, to);
  return armor({ ...envelope, payload: Buffer.from(changed, 'utf8').toString('base64url') });
}

export function payloadOf(file: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(unarmor(file).payload, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}
