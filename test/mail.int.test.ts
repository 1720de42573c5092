import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/platform/clock.ts';
import { migrateToLatest } from '../src/platform/db/migrator.ts';
import { JobQueue } from '../src/platform/jobs/queue.ts';
import { createLogger } from '../src/platform/log.ts';
import { MAIL_SEND_JOB, Mailer } from '../src/platform/mail/mailer.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const log = createLogger('silent');
const message = (to: string) => ({
  to,
  subject: 'Hello',
  text: 'Plain body',
  html: '<p>HTML body</p>',
  template: 'test.hello',
});

describe('mail', () => {
  let testDb: TestDatabase;
  let jobs: JobQueue;
  let mailer: Mailer;
  let smtp: SMTPServer;
  let port = 0;
  let rejectNext = 0;
  const received: { to: string; subject: string; text: string; messageId: string }[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', async () => {
          if (rejectNext > 0) {
            rejectNext--;
            return callback(Object.assign(new Error('Try again later'), { responseCode: 451 }));
          }
          const parsed = await simpleParser(Buffer.concat(chunks));
          received.push({
            to: parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '',
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            messageId: parsed.messageId ?? '',
          });
          callback();
        });
      },
    });
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
    port = (smtp.server.address() as AddressInfo).port;
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
  });

  afterAll(async () => {
    await jobs.stop(1000);
    await testDb.drop();
    await new Promise<void>((r) => smtp.close(() => r()));
  });

  it('records every message in the outbox with its delivery job, and stores it without SMTP', async () => {
    const outboxJobs = new JobQueue(testDb.database, log);
    const outbox = new Mailer(
      testDb.database.db,
      outboxJobs,
      systemClock,
      log,
      'FHIR IQ <no-reply@test>',
      undefined,
    );
    await outboxJobs.start();
    const id = await outbox.enqueue(message('a@example.com'));
    const row = await outbox.get(id);
    expect(row?.status).toBe('queued');
    const queued = await outboxJobs.boss.fetch<{ messageId: string }>(MAIL_SEND_JOB);
    expect(queued[0]?.data.messageId).toBe(id);
    await outboxJobs.boss.complete(MAIL_SEND_JOB, queued[0]!.id);
    await outboxJobs.stop(1000);
    await outbox.deliver(id);
    expect((await outbox.get(id))?.status).toBe('stored');
    // Delivering again is a no-op: nothing is sent twice.
    await outbox.deliver(id);
    expect((await outbox.get(id))?.attempts).toBe(1);
  });

  it('delivers over SMTP with a stable Message-ID', async () => {
    const id = await mailer.enqueue(message('b@example.com'));
    await mailer.deliver(id);
    const row = await mailer.get(id);
    expect(row?.status).toBe('sent');
    const got = received.find((m) => m.to === 'b@example.com');
    expect(got?.subject).toBe('Hello');
    expect(got?.messageId).toBe(`<${id}@fhiriq>`);
  });

  it('keeps a message through SMTP failures and marks it failed only after the last retry', async () => {
    const id = await mailer.enqueue(message('c@example.com'));
    rejectNext = 1;
    await expect(mailer.deliver(id, 0)).rejects.toThrow();
    const afterFailure = await mailer.get(id);
    expect(afterFailure?.status).toBe('queued');
    expect(afterFailure?.last_error).toContain('Try again later');
    await mailer.deliver(id, 1);
    expect((await mailer.get(id))?.status).toBe('sent');

    const doomed = await mailer.enqueue(message('d@example.com'));
    rejectNext = 1;
    await expect(mailer.deliver(doomed, 8)).rejects.toThrow();
    expect((await mailer.get(doomed))?.status).toBe('failed');
  });

  it('delivers through the job queue end to end', async () => {
    await jobs.work();
    const id = await mailer.enqueue(message('e@example.com'));
    const end = Date.now() + 10_000;
    while ((await mailer.get(id))?.status !== 'sent' && Date.now() < end)
      await new Promise((r) => setTimeout(r, 100));
    expect((await mailer.get(id))?.status).toBe('sent');
  });
});
