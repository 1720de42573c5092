import { Command, Option } from 'commander';
import type { App } from './app.ts';
import { type Config, ConfigError, describeConfig, loadConfig } from './config.ts';
import { type ControlHandlers, runControlCommand, startControlServer } from './platform/control.ts';
import { DataDirLockedError } from './platform/db/data-dir-lock.ts';
import { AppError } from './platform/errors.ts';

/**
 * The `fhiriq` CLI. Every failure a user can cause (bad configuration, an
 * unreachable database, a locked data directory) ends in one clear message
 * and exit code 1, never a stack trace.
 *
 * The app (every module, the database drivers, ~3 s of CPU through tsx) is imported only
 * by the commands that open the database: `--help`, `config`, a bad configuration and a
 * command that a running server answers on its control socket start in a fraction of that.
 */

function config(): Config {
  return loadConfig();
}

/** Errors that end a command with their own message (no "unexpected error"). */
const exitErrors: (abstract new (...args: never[]) => Error)[] = [DataDirLockedError];

/** The app and what a command needs with it; its error classes join `exitErrors` (an error of a module never loaded cannot occur). */
async function loadApp() {
  const [{ App }, { DatabaseUnavailableError }, { MigrationError }, { createLogger }] = await Promise.all([
    import('./app.ts'),
    import('./platform/db/client.ts'),
    import('./platform/db/migrator.ts'),
    import('./platform/log.ts'),
  ]);
  exitErrors.push(DatabaseUnavailableError, MigrationError);
  return { App, createLogger };
}

async function withApp<T>(purpose: string, fn: (app: App) => Promise<T>): Promise<T> {
  const cfg = config();
  const [{ App, createLogger }, { default: pino }] = await Promise.all([loadApp(), import('pino')]);
  // CLI tools log to stderr, errors only (below), so their own output stays readable.
  const app = await App.create({
    config: cfg,
    purpose,
    // …to stderr: a command's stdout is its answer (`license issue --json` is piped into tools).
    // The server's own warnings (catalog checks…) are the server's business: errors only here,
    // unless debugging.
    log: createLogger(
      cfg.logLevel === 'debug' || cfg.logLevel === 'trace' ? cfg.logLevel : 'error',
      pino.destination(2),
    ),
    seed: purpose !== 'fhiriq migrate',
  });
  try {
    return await fn(app);
  } finally {
    await app.stop();
  }
}

type DbCommand = (app: App, args: Record<string, unknown>) => Promise<string>;

/**
 * Commands that need the database. Each runs against a fresh App, or — when a
 * server already holds the embedded data directory — inside that server.
 */
const DB_COMMANDS: Record<string, DbCommand> = {
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

/** The license commands are the licensing module's (its list is read with the app, not before). */
function dbCommand(command: string): DbCommand {
  const run = DB_COMMANDS[command];
  if (run) return run;
  return (app, args) => {
    const licenseCommand = app.modules.licensing.commands[command];
    if (!licenseCommand) throw new Error(`Unknown command ${command}`);
    return licenseCommand(args);
  };
}

async function controlHandlers(app: App): Promise<ControlHandlers> {
  const { LICENSE_COMMAND_NAMES } = await import('./modules/licensing/index.ts');
  return Object.fromEntries(
    [...Object.keys(DB_COMMANDS), ...LICENSE_COMMAND_NAMES].map((name) => [
      name,
      (args: Record<string, unknown>) => dbCommand(name)(app, args),
    ]),
  );
}

async function runDbCommand(command: string, args: Record<string, unknown>): Promise<void> {
  const cfg = config();
  // A server holding the embedded data directory answers on its control socket: asked first,
  // the command costs no app start. No answer (no server, or a socket its dead server left):
  // the command opens the database itself, as below.
  let output = cfg.databaseUrl ? undefined : await runControlCommand(cfg.dataDir, command, args);
  if (output === undefined) {
    const run = dbCommand(command);
    try {
      output = await withApp(`fhiriq ${command}`, (app) => run(app, args));
    } catch (err) {
      // The server may have started between the two attempts.
      if (!(err instanceof DataDirLockedError)) throw err;
      output = await runControlCommand(cfg.dataDir, command, args);
      if (output === undefined) throw err;
    }
  }
  process.stdout.write(`${String(output)}\n`);
}

async function serve(options: { worker: boolean }): Promise<void> {
  const cfg = config();
  const started = performance.now();
  const { App } = await loadApp();
  const app = await App.create({
    config: cfg,
    purpose: options.worker ? 'fhiriq serve' : 'fhiriq serve --no-worker',
  });
  const address = await app.listen();
  if (options.worker) await app.work();
  const control =
    app.ctx.database.kind === 'pglite'
      ? await startControlServer(cfg.dataDir, await controlHandlers(app))
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
  // Image variants and the like, made now rather than while a visitor waits (AppModule.warm).
  if (!cfg.warmUp) return;
  const warming = performance.now();
  const lines = await app.warm();
  const seconds = ((performance.now() - warming) / 1000).toFixed(1);
  process.stdout.write(`  Warmed up in ${seconds} s${lines.map((l) => `; ${l}`).join('')}\n`);
}

async function worker(): Promise<void> {
  const cfg = config();
  const { App } = await loadApp();
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

const license = program
  .command('license')
  .description('Software licenses: issue without an order, inspect, suspend, reinstate, revoke, extend');
const json = new Option('--json', 'print JSON (with the key)');
const reason = new Option('--reason <text>', 'why (kept on the license’s trail and in the audit log)');
license
  .command('issue')
  .description('Issue a license without an order and print its key')
  .requiredOption('--sku <sku>', 'a software SKU, e.g. TL-MAPPER-PR-A')
  .requiredOption('--email <email>', 'the owner’s email address')
  .option('--seats <n>', 'number of seats (default 1)')
  .option('--valid-until <date>', 'end of validity (default: from the SKU’s term; perpetual SKUs have none)')
  .addOption(json)
  .addOption(reason)
  .action((opts: Record<string, unknown>) => runDbCommand('license issue', opts));
license
  .command('show <license>')
  .description('Show a license (by id or key): status, machines, users, recent events')
  .addOption(json)
  .action((id: string, opts: Record<string, unknown>) =>
    runDbCommand('license show', { ...opts, license: id }),
  );
for (const [verb, what] of [
  ['suspend', 'Suspend a license (validation answers SUSPENDED until reinstated)'],
  ['reinstate', 'Reinstate a suspended or expired (with a current term) license'],
  ['revoke', 'Revoke a license for good'],
  ['reset-activations', 'Deactivate every machine of a license'],
] as const) {
  license
    .command(`${verb} <license>`)
    .description(what)
    .addOption(reason)
    .action((id: string, opts: Record<string, unknown>) =>
      runDbCommand(`license ${verb}`, { ...opts, license: id }),
    );
}
license
  .command('extend <license>')
  .description('Set the end of a license’s term (an expired license with a current term is active again)')
  .option('--until <date>', 'new end, e.g. 2027-12-31')
  .option('--perpetual', 'no end')
  .addOption(reason)
  .action((id: string, opts: Record<string, unknown>) =>
    runDbCommand('license extend', { ...opts, license: id }),
  );
license
  .command('seats <license>')
  .description('List, assign or release the named users of a seat license')
  .option('--assign <email>', 'give this user a seat')
  .option('--release <email>', 'take this user’s seat away (staff releases do not count as transfers)')
  .action((id: string, opts: Record<string, unknown>) =>
    runDbCommand('license seats', { ...opts, license: id }),
  );

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
  if (err instanceof AppError) {
    const details = err.details?.map((d) => `  ${d.path}: ${d.message}`).join('\n');
    process.stderr.write(`fhiriq: ${err.message}${details ? `\n${details}` : ''}\n`);
  } else if (err instanceof ConfigError) {
    process.stderr.write(`fhiriq: ${err.message}\nSee README.md, "Configuration".\n`);
  } else if (
    exitErrors.some((type) => err instanceof type) ||
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
