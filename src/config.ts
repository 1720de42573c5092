import { createPrivateKey } from 'node:crypto';
import path from 'node:path';
// A pure function (format and check digit): configuration checks the seller's VAT ID like every other value.
import { parseVatId } from './modules/tax/domain/vat-id.ts';

/**
 * Every environment variable FHIR IQ reads, validated once at start-up.
 * The README's configuration table is checked against this list by a test,
 * so the documentation cannot drift from the code.
 */

type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

interface VarSpec<T> {
  name: string;
  default: string | undefined;
  description: string;
  secret?: boolean;
  parse: (raw: string) => Parsed<T>;
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(problem: string): Parsed<T> => ({ ok: false, problem });

const str = (raw: string): Parsed<string> => ok(raw);
const int =
  (min: number, max: number) =>
  (raw: string): Parsed<number> => {
    if (!/^\d+$/.test(raw)) return bad(`must be a whole number, got "${raw}"`);
    const n = Number(raw);
    return n < min || n > max ? bad(`must be between ${min} and ${max}, got ${n}`) : ok(n);
  };
const bool = (raw: string): Parsed<boolean> => {
  const v = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return ok(true);
  if (['0', 'false', 'no', 'off'].includes(v)) return ok(false);
  return bad(`must be true or false, got "${raw}"`);
};
const oneOf =
  <T extends string>(...values: T[]) =>
  (raw: string): Parsed<T> =>
    (values as string[]).includes(raw)
      ? ok(raw as T)
      : bad(`must be one of ${values.join(', ')}, got "${raw}"`);
const url =
  (...protocols: string[]) =>
  (raw: string): Parsed<string> => {
    try {
      const u = new URL(raw);
      return protocols.includes(u.protocol)
        ? ok(raw)
        : bad(`must be a ${protocols.join(' or ')} URL, got protocol "${u.protocol}"`);
    } catch {
      return bad('is not a valid URL');
    }
  };
const optionalUrl =
  (...protocols: string[]) =>
  (raw: string): Parsed<string | undefined> =>
    raw === '' ? ok(undefined) : url(...protocols)(raw);
const secret = (raw: string): Parsed<string | undefined> => {
  if (raw === '') return ok(undefined);
  return raw.length < 32 ? bad('must be at least 32 characters (use `openssl rand -hex 32`)') : ok(raw);
};
const email = (raw: string): Parsed<string> =>
  /^[^\s@<>]+@[^\s@<>]+$/.test(raw) || /^.+<[^\s@<>]+@[^\s@<>]+>$/.test(raw)
    ? ok(raw)
    : bad(`must be an email address or "Name <address>", got "${raw}"`);

export const CONFIG_VARS = {
  NODE_ENV: {
    name: 'NODE_ENV',
    default: 'development',
    description: '`development`, `production` or `test`. Production refuses a missing `APP_SECRET`.',
    parse: oneOf('development', 'production', 'test'),
  },
  HOST: {
    name: 'HOST',
    default: '127.0.0.1',
    description:
      'Interface the HTTP server binds to. Use `0.0.0.0` in a container or behind a load balancer.',
    parse: str,
  },
  PORT: {
    name: 'PORT',
    default: '3000',
    description: 'HTTP port. `0` picks a free port (tests, benchmarks).',
    parse: int(0, 65535),
  },
  PUBLIC_URL: {
    name: 'PUBLIC_URL',
    default: '',
    description:
      'The URL customers use, for links in mail. Default `http://localhost:PORT`. An `https://` URL turns on Secure cookies and HSTS.',
    parse: optionalUrl('http:', 'https:'),
  },
  DATA_DIR: {
    name: 'DATA_DIR',
    default: './data',
    description:
      'Local state: the embedded database (`DATA_DIR/pglite`), the generated secret, stored files. One process at a time in embedded mode.',
    parse: str,
  },
  DATABASE_URL: {
    name: 'DATABASE_URL',
    default: '',
    description:
      'PostgreSQL connection string (`postgres://user:pass@host:5432/db`). Empty: the embedded PGlite database in `DATA_DIR`.',
    secret: true,
    parse: optionalUrl('postgres:', 'postgresql:'),
  },
  DATABASE_POOL_MAX: {
    name: 'DATABASE_POOL_MAX',
    default: '10',
    description: 'Connections per process to PostgreSQL (PGlite always uses one).',
    parse: int(1, 200),
  },
  APP_SECRET: {
    name: 'APP_SECRET',
    default: '',
    description:
      'At least 32 characters; keys session signing, CSRF tokens, keyed hashes and encryption at rest. Empty: generated once into `DATA_DIR/secret.key`. Set it (the same value) on every process of a multi-process deployment.',
    secret: true,
    parse: secret,
  },
  LOG_LEVEL: {
    name: 'LOG_LEVEL',
    default: 'info',
    description: 'pino log level: `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`.',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  },
  TRUST_PROXY: {
    name: 'TRUST_PROXY',
    default: 'false',
    description:
      'Trust `X-Forwarded-*` headers (client IP for rate limits, protocol for Secure cookies). Set to `true` only behind your own proxy.',
    parse: bool,
  },
  METRICS_TOKEN: {
    name: 'METRICS_TOKEN',
    default: '',
    description:
      'Bearer token Prometheus sends to read `/metrics` (`Authorization: Bearer …`, at least 32 characters). Empty: `/metrics` answers only connections from this machine (loopback), never through a proxy.',
    secret: true,
    parse: secret,
  },
  BODY_LIMIT_BYTES: {
    name: 'BODY_LIMIT_BYTES',
    default: '1048576',
    description: 'Largest accepted request body; larger ones get 413 `PAYLOAD_TOO_LARGE`.',
    parse: int(1024, 100 * 1024 * 1024),
  },
  REDIS_URL: {
    name: 'REDIS_URL',
    default: '',
    description:
      "Redis (`redis://host:6379`) for state shared by several web processes: rate-limit counters. Empty: kept in each process's memory.",
    secret: true,
    parse: optionalUrl('redis:', 'rediss:'),
  },
  SMTP_URL: {
    name: 'SMTP_URL',
    default: '',
    description:
      'SMTP server (`smtp://user:pass@host:587`, `smtps://…`). Empty: mail is only stored in the outbox (`/admin/outbox`).',
    secret: true,
    parse: optionalUrl('smtp:', 'smtps:'),
  },
  MAIL_FROM: {
    name: 'MAIL_FROM',
    default: 'FHIR IQ <no-reply@fhiriq.localhost>',
    description: 'Sender of every message.',
    parse: email,
  },
  MAIL_RETENTION_DAYS: {
    name: 'MAIL_RETENTION_DAYS',
    default: '90',
    description:
      'Days a delivered message stays in the outbox before it is deleted (messages hold personal data). Undelivered ones stay until delivered or failed.',
    parse: int(1, 3650),
  },
  REQUIRE_EMAIL_VERIFICATION: {
    name: 'REQUIRE_EMAIL_VERIFICATION',
    default: 'true',
    description: 'Whether a new account must verify its email before signing in.',
    parse: bool,
  },
  JOB_CONCURRENCY: {
    name: 'JOB_CONCURRENCY',
    default: '4',
    description:
      'Jobs a worker fetches together and runs at the same time, per queue (one poll a second per queue).',
    parse: int(1, 64),
  },
  SHUTDOWN_TIMEOUT_MS: {
    name: 'SHUTDOWN_TIMEOUT_MS',
    default: '8000',
    description: 'How long SIGINT/SIGTERM waits for in-flight requests and jobs before closing anyway.',
    parse: int(100, 120000),
  },
  SELLER_COUNTRY: {
    name: 'SELLER_COUNTRY',
    default: 'US',
    description:
      "ISO country where the seller is established; it decides the tax rules. A seller outside the EU (e.g. `US`) charges EU consumers their own country's VAT (non-Union OSS scheme) and treats every EU business with a verified VAT ID as reverse charge; an EU seller charges its own VAT to businesses of its own country. Likewise a non-UK seller reverse-charges UK businesses with a GB VAT number (a `GB` seller charges them UK VAT), and a non-Canadian seller (simplified GST/HST registration) charges GST/HST to Canadian consumers only, while GST/HST-registered businesses self-assess (a `CA` seller charges them). Quebec QST and BC/SK/MB PST are charged whoever the seller.",
    parse: (raw: string): Parsed<string> =>
      /^[A-Z]{2}$/.test(raw)
        ? ok(raw)
        : bad(`must be a two-letter ISO country code in capitals, got "${raw}"`),
  },
  SELLER_VAT_ID: {
    name: 'SELLER_VAT_ID',
    default: '',
    description:
      "The seller's own EU VAT number, with its prefix (`IE6388047V`). With `VIES_URL`, every VAT ID check names it as the requester, so VIES answers with a consultation number (`requestIdentifier`), kept with the check as proof that it was made. Empty: checks without a consultation number. Must be a valid EU VAT number (format and check digit are verified at start-up); a non-Union OSS number (`EU…`) is not one.",
    parse: (raw: string): Parsed<string | undefined> => {
      if (raw === '') return ok(undefined);
      // The member state's own format and check-digit rules: VIES would refuse a wrong requester on
      // every check, leaving every customer's VAT ID pending.
      const r = parseVatId(raw);
      return r.ok ? ok(r.vatId.id) : bad(`is not a valid EU VAT number: it ${r.reason} (got "${raw}")`);
    },
  },
  VIES_URL: {
    name: 'VIES_URL',
    default: '',
    description:
      'Base URL of the EU VIES REST API for VAT ID checks (`https://ec.europa.eu/taxation_customs/vies/rest-api`). Empty: VAT IDs are checked locally by format and check digit only, and recorded as such (`source: local-format`).',
    parse: optionalUrl('http:', 'https:'),
  },
  VIES_TIMEOUT_MS: {
    name: 'VIES_TIMEOUT_MS',
    default: '10000',
    description: 'How long one VIES request may take before it counts as unavailable (and is retried later).',
    parse: int(100, 120000),
  },
  VIES_RETRY_DELAY_SECONDS: {
    name: 'VIES_RETRY_DELAY_SECONDS',
    default: '60',
    description:
      'First wait before a VAT ID check that VIES could not answer is tried again; doubled at each of up to 10 retries. The ID stays `pending` meanwhile.',
    parse: int(1, 86400),
  },
  STRIPE_SECRET_KEY: {
    name: 'STRIPE_SECRET_KEY',
    default: '',
    description:
      "Stripe secret key (`sk_live_…` / `sk_test_…`). Empty: payments use the built-in test provider (a FHIR IQ test payment page that takes Stripe's test card numbers), which is refused when `NODE_ENV=production` — checkout is then disabled.",
    secret: true,
    parse: (raw: string): Parsed<string | undefined> =>
      raw === ''
        ? ok(undefined)
        : /^(sk|rk)_(test|live)_\w+$/.test(raw)
          ? ok(raw)
          : bad('must look like sk_test_… or sk_live_…'),
  },
  STRIPE_WEBHOOK_SECRET: {
    name: 'STRIPE_WEBHOOK_SECRET',
    default: '',
    description:
      'Signing secret of the Stripe webhook endpoint (`whsec_…`), required together with `STRIPE_SECRET_KEY`.',
    secret: true,
    parse: (raw: string): Parsed<string | undefined> =>
      raw === '' ? ok(undefined) : /^whsec_\w+$/.test(raw) ? ok(raw) : bad('must look like whsec_…'),
  },
  STRIPE_API_URL: {
    name: 'STRIPE_API_URL',
    default: '',
    description:
      'Where the Stripe SDK sends API requests. Empty (the default): `https://api.stripe.com`. Set only to point at a local server speaking the Stripe API (stripe-mock, offline tests).',
    parse: optionalUrl('http:', 'https:'),
  },
  LICENSE_SIGNING_KEY: {
    name: 'LICENSE_SIGNING_KEY',
    default: '',
    description:
      'PKCS#8 PEM private key (Ed25519, or RSA-2048 for RSA-PSS/SHA-256) that signs license files; `\\n` may stand for newlines. Empty: a key is generated on first start and kept encrypted in the database. Setting a new one rotates: the previous key stays published so its files still verify.',
    secret: true,
    parse: (raw: string): Parsed<string | undefined> => {
      if (raw === '') return ok(undefined);
      const pem = raw.replace(/\\n/g, '\n');
      try {
        const key = createPrivateKey(pem);
        const type = key.asymmetricKeyType;
        if (type === 'ed25519') return ok(pem);
        if (type === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048) return ok(pem);
        return bad('must be an Ed25519 or an RSA (2048 bits or more) private key');
      } catch {
        return bad('must be a PKCS#8 PEM private key');
      }
    },
  },
  LICENSE_RATE_LIMIT_PER_KEY: {
    name: 'LICENSE_RATE_LIMIT_PER_KEY',
    default: '300',
    description:
      'Requests a minute one license key may make to the machine-facing license API (validate, activate, deactivate, heartbeat, certificate, usage). Above it: 429 `RATE_LIMITED` with `Retry-After`.',
    parse: int(1, 10_000_000),
  },
  LICENSE_RATE_LIMIT_PER_IP: {
    name: 'LICENSE_RATE_LIMIT_PER_IP',
    default: '600',
    description:
      'Requests a minute one client address may make to the machine-facing license API, whatever the keys (a wall for key guessing).',
    parse: int(1, 10_000_000),
  },
  TAX_CALCULATOR: {
    name: 'TAX_CALCULATOR',
    default: 'builtin',
    description:
      'Who computes tax amounts: `builtin` (FHIR IQ’s rules and dated rates) or `stripe` (Stripe Tax; needs `STRIPE_SECRET_KEY` and tax registrations in the Stripe account). FHIR IQ still decides reverse charge and VAT-ID status either way.',
    parse: oneOf('builtin', 'stripe'),
  },
  CONSULTING_BOOKING_URL: {
    name: 'CONSULTING_BOOKING_URL',
    default: '',
    description:
      'Where buyers of consulting book a session (a scheduling page such as Calendly), linked from the onboarding mail. Empty: the site’s contact page (`PUBLIC_URL/contact`).',
    parse: optionalUrl('https:', 'http:'),
  },
  // The seller as invoices print it (invoices module). Nothing here is invented: what is not
  // configured is left off the invoice, never replaced by a placeholder.
  SELLER_NAME: {
    name: 'SELLER_NAME',
    default: 'FHIR IQ',
    description:
      'The seller’s legal name, printed on invoices and credit notes. Set it to the registered name of the company that sells.',
    parse: (raw: string): Parsed<string> =>
      raw.length >= 1 && raw.length <= 200 ? ok(raw) : bad('must be 1 to 200 characters'),
  },
  SELLER_ADDRESS: {
    name: 'SELLER_ADDRESS',
    default: '',
    description:
      'The seller’s postal address as invoices print it, lines separated by `\\n` (`1 Example Street\\nBoston, MA 02101\\nUnited States`). Empty: invoices print no seller address (set it: most tax authorities require one).',
    parse: (raw: string): Parsed<string[]> => {
      const lines = raw
        .split(/\\n|\n/)
        .map((l) => l.trim())
        .filter((l) => l !== '');
      return lines.length > 8 || lines.some((l) => l.length > 120)
        ? bad('must be at most 8 lines of at most 120 characters')
        : ok(lines);
    },
  },
  SELLER_EMAIL: {
    name: 'SELLER_EMAIL',
    default: '',
    description: 'Billing contact address printed on invoices (`billing@example.com`). Empty: none printed.',
    parse: (raw: string): Parsed<string | undefined> =>
      raw === ''
        ? ok(undefined)
        : /^[^\s@]+@[^\s@]+$/.test(raw)
          ? ok(raw)
          : bad(`is not an email address: "${raw}"`),
  },
  SELLER_TAX_ID: {
    name: 'SELLER_TAX_ID',
    default: '',
    description:
      'Another tax or company registration number printed on invoices besides `SELLER_VAT_ID` (a US EIN, a UK company number…), with its label: `EIN 12-3456789`. Empty: none printed.',
    parse: (raw: string): Parsed<string | undefined> =>
      raw === '' ? ok(undefined) : raw.length <= 100 ? ok(raw) : bad('must be at most 100 characters'),
  },
  // Support tickets and product downloads (src/modules/support, src/modules/downloads).
  SUPPORT_TICKETS_PER_HOUR: {
    name: 'SUPPORT_TICKETS_PER_HOUR',
    default: '10',
    description:
      'Support tickets one customer may open in an hour; beyond it `SUPPORT_RATE_LIMITED` (429). Replies are not limited.',
    parse: int(1, 10_000),
  },
  RELEASE_MAX_BYTES: {
    name: 'RELEASE_MAX_BYTES',
    default: String(512 * 1024 * 1024),
    description:
      'Largest release file staff may upload (streamed to `DATA_DIR/releases/`); a larger one is refused with 413 `RELEASE_TOO_LARGE` and nothing is kept.',
    parse: int(1, 64 * 1024 * 1024 * 1024),
  },
  CONTENT_DIR: {
    name: 'CONTENT_DIR',
    default: undefined,
    description:
      'Folder of the Markdown content (blog, podcast, case studies, docs, pages; see docs/content-format.md) loaded into the database at every start: a file adds its item or updates one staff never edited. Empty: the `content/` folder shipped with FHIR IQ.',
    parse: str,
  },
  WARM_UP: {
    name: 'WARM_UP',
    default: 'true',
    description:
      "Whether `fhiriq serve` makes the site's image variants (AVIF at every width, social cards) in the background once it listens, so no visitor waits for an encoding; they stay under `DATA_DIR/content-media`. `false`: each is made on its first request (throwaway test servers).",
    parse: bool,
  },
  SUPPORT_ATTACHMENT_MAX_BYTES: {
    name: 'SUPPORT_ATTACHMENT_MAX_BYTES',
    default: String(10 * 1024 * 1024),
    description:
      'Largest file a customer or staff member may attach to a support ticket message; a larger one is refused with 413 `ATTACHMENT_TOO_LARGE` and nothing of the message is kept.',
    parse: int(1, 100 * 1024 * 1024),
  },
  SUPPORT_ATTACHMENTS_PER_MESSAGE: {
    name: 'SUPPORT_ATTACHMENTS_PER_MESSAGE',
    default: '5',
    description:
      'Files one support ticket message may carry; more is refused with 400 `TOO_MANY_ATTACHMENTS` and nothing is kept.',
    parse: int(1, 20),
  },
  SUPPORT_ATTACHMENT_RETENTION_DAYS: {
    name: 'SUPPORT_ATTACHMENT_RETENTION_DAYS',
    default: '90',
    description:
      'Days a support ticket’s attachments are kept after the ticket is resolved or closed (they may hold patient data); then a daily job deletes their contents and names, keeping only that a file was there. A reopened ticket keeps its files.',
    parse: int(1, 3650),
  },
  LEADS_RETENTION_DAYS: {
    name: 'LEADS_RETENTION_DAYS',
    default: '365',
    description:
      'Days a contact-form message (a lead: name, email, what the sender wrote) is kept after it arrived or staff last moved it; then a daily job deletes it.',
    parse: int(1, 3650),
  },
  SUBSCRIPTION_UNPAID_CANCEL_DAYS: {
    name: 'SUBSCRIPTION_UNPAID_CANCEL_DAYS',
    default: '30',
    description:
      'Days a subscription charged by the built-in provider may stay suspended for an unpaid renewal; then the renewal sweep ends it (its unpaid renewal canceled, the customer mailed, its licenses expired). Stripe Billing subscriptions follow Stripe’s own settings.',
    parse: int(1, 365),
  },
  USAGE_EVENT_RETENTION_DAYS: {
    name: 'USAGE_EVENT_RETENTION_DAYS',
    default: '400',
    description:
      'Days the single events of a usage license’s period are kept after the period closed (long enough to answer a dispute of its overage charge); then a daily job deletes them. The period’s totals and statement stay.',
    parse: int(30, 3650),
  },
} as const satisfies Record<string, VarSpec<unknown>>;

type Vars = typeof CONFIG_VARS;
type ValueOf<K extends keyof Vars> = Vars[K]['parse'] extends (raw: string) => Parsed<infer T> ? T : never;

export interface Config {
  env: ValueOf<'NODE_ENV'>;
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolMax: number;
  appSecret: string | undefined;
  logLevel: ValueOf<'LOG_LEVEL'>;
  trustProxy: boolean;
  metricsToken: string | undefined;
  bodyLimit: number;
  redisUrl: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  mailRetentionDays: number;
  requireEmailVerification: boolean;
  jobConcurrency: number;
  shutdownTimeoutMs: number;
  sellerCountry: string;
  /** Canonical (prefix + number, EL for Greece), checked against its member state's rules. */
  sellerVatId: string | undefined;
  viesUrl: string | undefined;
  viesTimeoutMs: number;
  viesRetryDelaySeconds: number;
  stripeSecretKey: string | undefined;
  stripeWebhookSecret: string | undefined;
  /** A non-default Stripe API base URL (tests, stripe-mock); undefined: api.stripe.com. */
  stripeApiUrl: string | undefined;
  /** PEM of the license signing key from configuration, or undefined (generated and stored). */
  licenseSigningKey: string | undefined;
  /** Per minute: one key's and one address's requests to the machine-facing license API. */
  licenseRateLimit: { perKey: number; perIp: number };
  /** Who computes tax amounts (the rules stay FHIR IQ's). */
  taxCalculator: 'builtin' | 'stripe';
  /** true when PUBLIC_URL is https: Secure cookies, HSTS. */
  secureCookies: boolean;
  /** Where consulting is booked (onboarding mail): CONSULTING_BOOKING_URL or PUBLIC_URL/contact. */
  consultingBookingUrl: string;
  /** The seller as invoices print it (with sellerCountry and sellerVatId); only what is configured. */
  seller: { name: string; address: string[]; email: string | undefined; taxId: string | undefined };
  /** Support tickets one customer may open per hour. */
  supportTicketsPerHour: number;
  /** Largest release file an upload may carry, in bytes. */
  releaseMaxBytes: number;
  /** Absolute; undefined: the content/ folder shipped with FHIR IQ. */
  contentDir: string | undefined;
  warmUp: boolean;
  /** Support ticket attachments: largest file, files per message, days kept after resolution. */
  supportAttachments: { maxBytes: number; perMessage: number; retentionDays: number };
  /** Days a lead is kept after it arrived or was last moved by staff. */
  leadsRetentionDays: number;
  usageEventRetentionDays: number;
  subscriptionUnpaidCancelDays: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; collects every problem before failing. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const spec of Object.values(CONFIG_VARS) as VarSpec<unknown>[]) {
    const raw = env[spec.name] ?? spec.default ?? '';
    const parsed = spec.parse(raw.trim());
    if (parsed.ok) values[spec.name] = parsed.value;
    else problems.push(`${spec.name} ${parsed.problem}`);
  }
  if (problems.length === 0 && values.NODE_ENV === 'production' && !values.APP_SECRET) {
    problems.push('APP_SECRET must be set when NODE_ENV=production (every process needs the same secret)');
  }
  if (problems.length === 0 && Boolean(values.STRIPE_SECRET_KEY) !== Boolean(values.STRIPE_WEBHOOK_SECRET)) {
    problems.push('STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET must be set together');
  }
  if (problems.length === 0 && values.TAX_CALCULATOR === 'stripe' && !values.STRIPE_SECRET_KEY) {
    problems.push('TAX_CALCULATOR=stripe needs STRIPE_SECRET_KEY (and STRIPE_WEBHOOK_SECRET)');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const port = values.PORT as number;
  const publicUrl = ((values.PUBLIC_URL as string | undefined) ?? `http://localhost:${port}`).replace(
    /\/+$/,
    '',
  );
  return {
    env: values.NODE_ENV as Config['env'],
    host: values.HOST as string,
    port,
    publicUrl,
    dataDir: path.resolve(cwd, values.DATA_DIR as string),
    databaseUrl: values.DATABASE_URL as string | undefined,
    databasePoolMax: values.DATABASE_POOL_MAX as number,
    appSecret: values.APP_SECRET as string | undefined,
    logLevel: values.LOG_LEVEL as Config['logLevel'],
    trustProxy: values.TRUST_PROXY as boolean,
    metricsToken: values.METRICS_TOKEN as string | undefined,
    bodyLimit: values.BODY_LIMIT_BYTES as number,
    redisUrl: values.REDIS_URL as string | undefined,
    smtpUrl: values.SMTP_URL as string | undefined,
    mailFrom: values.MAIL_FROM as string,
    mailRetentionDays: values.MAIL_RETENTION_DAYS as number,
    requireEmailVerification: values.REQUIRE_EMAIL_VERIFICATION as boolean,
    jobConcurrency: values.JOB_CONCURRENCY as number,
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS as number,
    sellerCountry: values.SELLER_COUNTRY as string,
    sellerVatId: values.SELLER_VAT_ID as string | undefined,
    viesUrl: values.VIES_URL as string | undefined,
    viesTimeoutMs: values.VIES_TIMEOUT_MS as number,
    viesRetryDelaySeconds: values.VIES_RETRY_DELAY_SECONDS as number,
    stripeSecretKey: values.STRIPE_SECRET_KEY as string | undefined,
    stripeWebhookSecret: values.STRIPE_WEBHOOK_SECRET as string | undefined,
    stripeApiUrl: values.STRIPE_API_URL as string | undefined,
    taxCalculator: values.TAX_CALCULATOR as 'builtin' | 'stripe',
    licenseSigningKey: values.LICENSE_SIGNING_KEY as string | undefined,
    licenseRateLimit: {
      perKey: values.LICENSE_RATE_LIMIT_PER_KEY as number,
      perIp: values.LICENSE_RATE_LIMIT_PER_IP as number,
    },
    secureCookies: publicUrl.startsWith('https://'),
    consultingBookingUrl: (values.CONSULTING_BOOKING_URL as string | undefined) ?? `${publicUrl}/contact`,
    seller: {
      name: values.SELLER_NAME as string,
      address: values.SELLER_ADDRESS as string[],
      email: values.SELLER_EMAIL as string | undefined,
      taxId: values.SELLER_TAX_ID as string | undefined,
    },
    supportTicketsPerHour: values.SUPPORT_TICKETS_PER_HOUR as number,
    releaseMaxBytes: values.RELEASE_MAX_BYTES as number,
    contentDir: values.CONTENT_DIR ? path.resolve(cwd, values.CONTENT_DIR as string) : undefined,
    warmUp: values.WARM_UP as boolean,
    supportAttachments: {
      maxBytes: values.SUPPORT_ATTACHMENT_MAX_BYTES as number,
      perMessage: values.SUPPORT_ATTACHMENTS_PER_MESSAGE as number,
      retentionDays: values.SUPPORT_ATTACHMENT_RETENTION_DAYS as number,
    },
    leadsRetentionDays: values.LEADS_RETENTION_DAYS as number,
    usageEventRetentionDays: values.USAGE_EVENT_RETENTION_DAYS as number,
    subscriptionUnpaidCancelDays: values.SUBSCRIPTION_UNPAID_CANCEL_DAYS as number,
  };
}

/** The effective configuration for `fhiriq config`, secrets redacted. */
export function describeConfig(
  env: NodeJS.ProcessEnv = process.env,
): { name: string; value: string; source: string }[] {
  return (Object.values(CONFIG_VARS) as VarSpec<unknown>[]).map((spec) => {
    const set = env[spec.name] !== undefined;
    const raw = env[spec.name] ?? spec.default ?? '';
    let value = raw;
    if (spec.secret && raw !== '') value = redactSecret(spec.name, raw);
    return {
      name: spec.name,
      value: value === '' ? '(empty)' : value,
      source: set ? 'environment' : 'default',
    };
  });
}

function redactSecret(name: string, raw: string): string {
  // URLs keep host and database so an operator can see where they point.
  if (name.endsWith('_URL')) {
    try {
      const u = new URL(raw);
      if (u.password) u.password = '***';
      return u.toString();
    } catch {
      return '***';
    }
  }
  return '*** (set)';
}
