import type { KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { type SigningKey, signBytesOffLoop } from './domain/certificate.ts';

/**
 * The worker: keeps the keys it was given and signs batches of bodies, answering base64url
 * signatures in the same order. Plain JavaScript, evaluated as is (no loader in a worker).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { sign, constants } = require('node:crypto');
const keys = new Map();
const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
parentPort.on('message', (m) => {
  if (m.type === 'key') { keys.set(m.id, { alg: m.alg, key: m.key }); return; }
  const k = keys.get(m.keyId);
  const sigs = m.bodies.map((body) => {
    const data = Buffer.from(body, 'utf8');
    const sig = k.alg === 'ed25519' ? sign(null, data, k.key) : sign('sha256', data, { key: k.key, ...PSS });
    return sig.toString('base64url');
  });
  parentPort.postMessage({ batch: m.batch, sigs });
});
`;

interface Waiting {
  resolve: (signature: string) => void;
  reject: (err: Error) => void;
}

/**
 * Signs response bodies on one dedicated thread, in batches: the bodies signed during one turn
 * of the event loop go to the worker in one message and come back in one. Per answer, the
 * event loop only queues the body and resolves a promise; the signature itself (about 50 µs of
 * CPU for Ed25519 here) runs on the worker. One thread rather than libuv's pool of four: on a
 * 2-core machine, four signing threads only take turns with the event loop. If the worker
 * fails, signatures are computed on libuv's thread pool instead.
 */
export class BatchSigner {
  #worker: Worker | undefined;
  #broken = false;
  #keyIds = new WeakMap<KeyObject, number>();
  #nextKeyId = 1;
  #queue = new Map<number, { bodies: string[]; waiting: Waiting[] }>();
  #scheduled = false;
  #nextBatch = 1;
  #inFlight = new Map<number, Waiting[]>();

  /** The base64url signature of a body's UTF-8 bytes. */
  sign(key: SigningKey, body: string): Promise<string> {
    if (this.#broken)
      return signBytesOffLoop(key, Buffer.from(body, 'utf8')).then((s) => s.toString('base64url'));
    const keyId = this.#keyIdOf(key);
    return new Promise<string>((resolve, reject) => {
      let pending = this.#queue.get(keyId);
      if (!pending) {
        pending = { bodies: [], waiting: [] };
        this.#queue.set(keyId, pending);
      }
      pending.bodies.push(body);
      pending.waiting.push({ resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Stops the worker (pending signatures fail). */
  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#keyIds = new WeakMap();
    if (worker) await worker.terminate();
  }

  #keyIdOf(key: SigningKey): number {
    const worker = this.#ensureWorker();
    let id = this.#keyIds.get(key.privateKey);
    if (id === undefined) {
      id = this.#nextKeyId++;
      this.#keyIds.set(key.privateKey, id);
      // Messages are handled in order: the key arrives before any batch that names it.
      worker.postMessage({ type: 'key', id, alg: key.alg, key: key.privateKey });
    }
    return id;
  }

  #ensureWorker(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (m: { batch: number; sigs: string[] }) => {
      const waiting = this.#inFlight.get(m.batch);
      this.#inFlight.delete(m.batch);
      waiting?.forEach((w, i) => {
        w.resolve(m.sigs[i] ?? '');
      });
    });
    const fail = (err: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#broken = true;
      for (const waiting of this.#inFlight.values()) for (const w of waiting) w.reject(err);
      this.#inFlight.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`license signing worker exited (${code})`)));
    this.#worker = worker;
    return worker;
  }

  #flush(): void {
    this.#scheduled = false;
    const worker = this.#worker;
    for (const [keyId, { bodies, waiting }] of this.#queue) {
      if (!worker) {
        for (const w of waiting) w.reject(new Error('license signing worker stopped'));
        continue;
      }
      const batch = this.#nextBatch++;
      this.#inFlight.set(batch, waiting);
      worker.postMessage({ type: 'sign', batch, keyId, bodies });
    }
    this.#queue.clear();
  }
}
