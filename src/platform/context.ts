import type { Kysely } from 'kysely';
import type { Config } from '../config.ts';
import type { Clock } from './clock.ts';
import type { Secrets } from './crypto/secrets.ts';
import type { Database, PlatformTables } from './db/client.ts';
import type { Seeder } from './db/seed.ts';
import type { HttpServer } from './http/server.ts';
import type { EventBus } from './jobs/events.ts';
import type { JobQueue } from './jobs/queue.ts';
import type { Logger } from './log.ts';
import type { Mailer } from './mail/mailer.ts';

/** What every module is built from. Modules get their dependencies passed in, never from globals. */
export interface PlatformContext {
  config: Config;
  clock: Clock;
  log: Logger;
  database: Database;
  db: Kysely<PlatformTables>;
  jobs: JobQueue;
  /** Domain events between modules (durable fan-out over `jobs`). */
  events: EventBus;
  mail: Mailer;
  secrets: Secrets;
}

/**
 * A domain module as the app sees it. Jobs are defined on `ctx.jobs` when the
 * module is created (so a worker-only process knows them); routes are
 * registered only by web processes.
 */
export interface AppModule {
  name: string;
  seeders?: Seeder[];
  registerRoutes?(app: HttpServer): Promise<void>;
  /**
   * Routes that software calls, authenticated by what the body carries (the license API): a
   * scope with the server's core only, without the web stack (sessions, cookies, CSRF,
   * compression) and its per-request hooks.
   */
  registerMachineRoutes?(app: HttpServer): Promise<void>;
  /** Called on shutdown after HTTP has drained and before the database closes (flush buffers). */
  stop?(): Promise<void>;
  /**
   * Called once by `fhiriq serve` after it listens, in the background, modules one after the
   * other: prepares what a first visitor would otherwise wait for (image variants). Returns a
   * line for the console, or null.
   */
  warm?(): Promise<string | null>;
  /** The public, indexable pages this module serves, for `/sitemap.xml` (published content only). */
  sitemapEntries?(): Promise<SitemapEntry[]>;
}

export interface SitemapEntry {
  /** Site-relative path, e.g. `/blog/fhir-r4-basics`. */
  path: string;
  lastModified?: Date;
}
