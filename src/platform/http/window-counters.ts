import type { Redis } from 'ioredis';
import type { Logger } from '../log.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Request counters in fixed windows, for routes that check several budgets at once (the machine API). */
    windowCounters: WindowCounters;
  }
}

export interface Budget {
  /** The counter (`license:key:<body>`, `license:ip:<address>`). */
  key: string;
  /** Requests allowed per window. */
  max: number;
}

export type WindowVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Counts one request against several budgets in one step: one map lookup each in memory, one
 * round trip to Redis for all of them. Windows are fixed (aligned on multiples of `windowMs`),
 * so a budget is reset at the window's end, which is what Retry-After says.
 */
export interface WindowCounters {
  hit(budgets: readonly Budget[], windowMs: number): WindowVerdict | Promise<WindowVerdict>;
}

function verdict(counts: readonly number[], budgets: readonly Budget[], windowEnd: number): WindowVerdict {
  for (let i = 0; i < budgets.length; i++)
    if ((counts[i] ?? 0) > (budgets[i]?.max ?? 0))
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((windowEnd - Date.now()) / 1000)) };
  return { allowed: true };
}

/** One process's counters (no Redis configured): the map of the current window only, so memory stays bounded. */
export class MemoryWindowCounters implements WindowCounters {
  #windows = new Map<number, { index: number; counts: Map<string, number> }>();

  hit(budgets: readonly Budget[], windowMs: number): WindowVerdict {
    const index = Math.floor(Date.now() / windowMs);
    let w = this.#windows.get(windowMs);
    if (!w || w.index !== index) {
      w = { index, counts: new Map() };
      this.#windows.set(windowMs, w);
    }
    const counts = budgets.map((b) => {
      const n = (w.counts.get(b.key) ?? 0) + 1;
      w.counts.set(b.key, n);
      return n;
    });
    return verdict(counts, budgets, (index + 1) * windowMs);
  }
}

/**
 * Counters shared by every web process through Redis: INCR and PEXPIRE of every budget in one
 * MULTI. Redis unreachable: the request is allowed (as the rate-limit plugin's `skipOnError`),
 * and that is logged once per window.
 */
export class RedisWindowCounters implements WindowCounters {
  #loggedWindow = -1;

  constructor(
    readonly redis: Redis,
    private readonly namespace: string,
    private readonly log: Logger,
  ) {}

  async hit(budgets: readonly Budget[], windowMs: number): Promise<WindowVerdict> {
    const index = Math.floor(Date.now() / windowMs);
    const multi = this.redis.multi();
    for (const b of budgets) {
      const key = `${this.namespace}w:${b.key}:${index}`;
      multi.incr(key).pexpire(key, windowMs);
    }
    try {
      const results = (await multi.exec()) ?? [];
      const counts = budgets.map((_b, i) => Number(results[i * 2]?.[1] ?? 0));
      return verdict(counts, budgets, (index + 1) * windowMs);
    } catch (err) {
      if (this.#loggedWindow !== index) {
        this.#loggedWindow = index;
        this.log.warn(
          { err: { message: (err as Error).message } },
          'rate-limit counters unavailable: allowing',
        );
      }
      return { allowed: true };
    }
  }
}
