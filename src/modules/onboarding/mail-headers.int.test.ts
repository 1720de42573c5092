import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { systemClock } from '../../platform/clock.ts';
import { migrateToLatest } from '../../platform/db/migrator.ts';
import { JobQueue } from '../../platform/jobs/queue.ts';
import { createLogger } from '../../platform/log.ts';
import { Mailer } from '../../platform/mail/mailer.ts';

/** Marketing mail's List-Unsubscribe headers are kept in the outbox and reach the SMTP server. */

const log = createLogger('silent');
let testDb: TestDatabase;
let jobs: JobQueue;
let mailer: Mailer;
let smtp: SMTPServer;
/** Raw header lines by Message-ID (mailparser folds List-* headers into one object; the lines are what was sent). */
const received = new Map<string, Map<string, string>>();

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', async () => {
        const parsed = await simpleParser(Buffer.concat(chunks));
        received.set(
          parsed.messageId ?? '',
          new Map(parsed.headerLines.map((h) => [h.key, h.line.slice(h.line.indexOf(':') + 1).trim()])),
        );
        callback();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  const port = (smtp.server.address() as AddressInfo).port;
  // The run's migrated template (migrating again finds nothing to apply): no initdb, no migrations here.
  testDb = await createTestDatabase({ migrated: true });
  await migrateToLatest(testDb.database.db);
  jobs = new JobQueue(testDb.database, log, { pollingIntervalSeconds: 0.5 });
  mailer = new Mailer(
    testDb.database.db,
    jobs,
    systemClock,
    log,
    'FHIR IQ <no-reply@test>',
    `smtp://127.0.0.1:${port}`,
  );
  await jobs.start();
}, 60_000);

afterAll(async () => {
  await jobs?.stop(1000);
  await testDb?.drop();
  await new Promise<void>((r) => smtp.close(() => r()));
});

const base = { subject: 'Tips', text: 'Plain', html: '<p>HTML</p>', template: 'onboarding.software-tips' };

describe('mail headers', () => {
  it('sends the headers a message was queued with, and none otherwise', async () => {
    const unsubscribe = '<https://fhiriq.example/unsubscribe/one-click?token=abc.def>';
    const marketing = await mailer.enqueue({
      ...base,
      to: 'm@example.com',
      category: 'marketing',
      headers: { 'List-Unsubscribe': unsubscribe, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
    const plain = await mailer.enqueue({ ...base, to: 'p@example.com' });
    expect((await mailer.get(marketing))?.headers).toEqual({
      'List-Unsubscribe': unsubscribe,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
    expect((await mailer.get(plain))?.headers).toBeNull();
    await mailer.deliver(marketing);
    await mailer.deliver(plain);
    const got = received.get(`<${marketing}@fhiriq>`)!;
    expect(JSON.stringify(got.get('list-unsubscribe'))).toContain(
      'https://fhiriq.example/unsubscribe/one-click?token=abc.def',
    );
    expect(got.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const other = received.get(`<${plain}@fhiriq>`)!;
    expect(other.has('list-unsubscribe')).toBe(false);
  });
});
