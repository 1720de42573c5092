import { Command, Option } from 'commander';
import { App } from './app.ts';
import { type Config, ConfigError, describeConfig, loadConfig } from './config.ts';
import { type ControlHandlers, runControlCommand, startControlServer } from './platform/control.ts';
import { DatabaseUnavailableError } from './platform/db/client.ts';
import { DataDirLockedError } from './platform/db/data-dir-lock.ts';
import { MigrationError } from './platform/db/migrator.ts';
import { createLogger } from './platform/log.ts';

/**
 * The `fhiriq` CLI. Every failure a user can cause (bad configuration, an
 * unreachable database, a locked data directory) ends in one clear message
 * and exit code 1, never a stack trace.
 */

function config(): Config {
  return loadConfig();
}

async function withApp<T>(purpose: string, fn: (app: App) => Promise<T>): Promise<T> {
  const cfg = config();
  // CLI tools log warnings only, so their own output stays readable.
  const app = await App.create({
    config: cfg,
    purpose,
    log: createLogger(cfg.logLevel === 'info' ? 'warn' : cfg.logLevel),
    seed: purpose !== 'fhiriq migrate',
  });
  try {
    return await fn(app);
  } finally {
    await app.stop();
  }
}

/**
 * Commands that need the database. Each runs against a fresh App, or — when a
 * server already holds the embedded data directory — inside that server.
 */
const DB_COMMANDS: Record<string, (app: App, args: Record<string, unknown>) => Promise<string>> = {
  // App.create has already applied pending migrations; report the state.
  migrate: async () => 'Database schema is up to date.',
  seed: async (app) => {
    const results = await app.seed();
    return `Seeded: ${results.map((r) => `${r.name} v${r.version}`).join(', ') || 'nothing to seed'}`;
  },
  'admin create': async (app, args) => {
    const r = await app.modules.accounts.createAdmin({
      email: String(args.email),
      name: typeof args.name === 'string' ? args.name : undefined,
      password: typeof args.password === 'string' ? args.password : undefined,
    });
    const lines = [`${r.created ? 'Created' : 'Updated'} admin ${r.email}.`];
    if (r.oneTimePassword) {
      lines.push(
        `One-time password: ${r.oneTimePassword}`,
        'Sign in at /sign-in; you will be asked to choose a new password.',
      );
    }
    return lines.join('\n');
  },
};

function controlHandlers(app: App): ControlHandlers {
  return Object.fromEntries(
    Object.entries(DB_COMMANDS).map(([name, run]) => [name, (args) => run(app, args)]),
  );
}

async function runDbCommand(
  command: keyof typeof DB_COMMANDS & string,
  args: Record<string, unknown>,
): Promise<void> {
  const run = DB_COMMANDS[command]!;
  let output: unknown;
  try {
    output = await withApp(`fhiriq ${command}`, (app) => run(app, args));
  } catch (err) {
    if (!(err instanceof DataDirLockedError)) throw err;
    output = await runControlCommand(config().dataDir, command, args);
    if (output === undefined) throw err;
  }
  process.stdout.write(`${String(output)}\n`);
}

async function serve(options: { worker: boolean }): Promise<void> {
  const cfg = config();
  const started = performance.now();
  const app = await App.create({
    config: cfg,
    purpose: options.worker ? 'fhiriq serve' : 'fhiriq serve --no-worker',
  });
  const address = await app.listen();
  if (options.worker) await app.work();
  const control =
    app.ctx.database.kind === 'pglite'
      ? await startControlServer(cfg.dataDir, controlHandlers(app))
      : undefined;
  const ms = Math.round(performance.now() - started);
  const url = cfg.publicUrl;
  process.stdout.write(
    [
      '',
      `  FHIR IQ is running at ${url}  (listening on ${address}, ready in ${ms} ms)`,
      `  Database: ${app.ctx.database.location}${options.worker ? '; jobs run in this process' : '; jobs need `fhiriq worker`'}`,
      `  Mail: ${app.ctx.mail.transportName === 'smtp' ? 'SMTP' : `stored in the outbox, readable at ${url}/admin/outbox`}`,
      '  Create the first admin (in another terminal):  npx fhiriq admin create --email you@example.com',
      '',
      '',
    ].join('\n'),
  );
  onShutdown(async () => {
    await control?.close();
    await app.stop();
  }, cfg.shutdownTimeoutMs);
}

async function worker(): Promise<void> {
  const cfg = config();
  const app = await App.create({ config: cfg, purpose: 'fhiriq worker' });
  await app.work();
  process.stdout.write(
    `FHIR IQ worker running (${app.ctx.jobs.definitions.length} job types, ${app.ctx.database.location})\n`,
  );
  onShutdown(() => app.stop(), cfg.shutdownTimeoutMs);
}

function onShutdown(stop: () => Promise<void>, timeoutMs: number): void {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) {
      process.stderr.write(`Second ${signal}: exiting now.\n`);
      process.exit(1);
    }
    stopping = true;
    process.stderr.write(`${signal} received: finishing in-flight work…\n`);
    // The hard limit is a backstop: stop() already bounds each phase.
    setTimeout(() => {
      process.stderr.write('Shutdown took too long; exiting.\n');
      process.exit(1);
    }, timeoutMs + 1500).unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`Shutdown failed: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}

const program = new Command()
  .name('fhiriq')
  .description('FHIR IQ: FHIR tools, training and consulting platform')
  .showHelpAfterError()
  .configureHelp({ showGlobalOptions: true });

program
  .command('serve')
  .description('Start the web server (and, by default, the job worker in the same process)')
  .option('--no-worker', 'do not run jobs in this process (run `fhiriq worker` separately)')
  .action((opts: { worker: boolean }) => serve(opts));

program
  .command('worker')
  .description('Run the job worker alone (production: as many as needed)')
  .action(() => worker());

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(() => runDbCommand('migrate', {}));

program
  .command('seed')
  .description('Load reference data (idempotent: inserts what is missing, keeps edits)')
  .action(() => runDbCommand('seed', {}));

const admin = program.command('admin').description('Staff accounts');
admin
  .command('create')
  .description('Create (or promote) an admin. Prints a one-time password, or reads one from stdin')
  .requiredOption('--email <email>', "the admin's email address")
  .option('--name <name>', 'display name')
  .option('--password-stdin', 'read the password from standard input instead of generating one')
  .action(async (opts: { email: string; name?: string; passwordStdin?: boolean }) => {
    const password = opts.passwordStdin ? (await readStdin()).replace(/\r?\n$/, '') : undefined;
    await runDbCommand('admin create', { email: opts.email, name: opts.name, password });
  });

program
  .command('config')
  .description('Print the effective configuration (secrets redacted) and check it')
  .addOption(new Option('--json', 'machine-readable output'))
  .action((opts: { json?: boolean }) => {
    const rows = describeConfig();
    let problems: string[] = [];
    try {
      loadConfig();
    } catch (err) {
      if (err instanceof ConfigError) problems = err.problems;
      else throw err;
    }
    if (opts.json) {
      process.stdout.write(`${JSON.stringify({ variables: rows, problems }, null, 2)}\n`);
    } else {
      const width = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) process.stdout.write(`${r.name.padEnd(width)}  ${r.value}  (${r.source})\n`);
      if (problems.length)
        process.stdout.write(`\nProblems:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    }
    if (problems.length) process.exitCode = 1;
  });

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function fail(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`fhiriq: ${err.message}\nSee README.md, "Configuration".\n`);
  } else if (
    err instanceof DatabaseUnavailableError ||
    err instanceof DataDirLockedError ||
    err instanceof MigrationError ||
    (err as { exitMessage?: boolean }).exitMessage
  ) {
    process.stderr.write(`fhiriq: ${(err as Error).message}\n`);
  } else {
    process.stderr.write(`fhiriq: unexpected error: ${(err as Error)?.message ?? String(err)}\n`);
    if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') console.error(err);
  }
  process.exit(1);
}

process.on('unhandledRejection', fail);
program.parseAsync(process.argv).catch(fail);
