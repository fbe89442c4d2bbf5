import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { InMemoryOutboxStore } from '../../../src/adapters/memory/in-memory-outbox';
import { InMemoryUserRepository } from '../../../src/adapters/memory/in-memory-user-repository';
import { InProcessJobQueue } from '../../../src/adapters/memory/in-process-job-queue';
import { ObjectIdGenerator } from '../../../src/adapters/system/object-id-generator';
import type { RegisterUser } from '../../../src/application/auth/register-user';
import { AccountMail } from '../../../src/application/jobs/account-mail';
import { ORPHAN_AFTER_MS, outboxJobId, RelayOutbox } from '../../../src/application/jobs/outbox-relay';
import type { Clock } from '../../../src/application/ports/clock.port';
import type { EnqueueOptions, JobQueue } from '../../../src/application/ports/job-queue.port';
import type { OutboxStore } from '../../../src/application/ports/outbox.port';
import { TYPES } from '../../../src/application/symbols';
import { DEFAULT_RETRY_POLICIES } from '../../../src/application/jobs/job-types';
import type { QueueName } from '../../../src/domain/jobs/job';
import { aUser } from '../../support/builders/user.builder';
import { embeddedContainer, STRONG_PASSWORD } from '../../support/embedded';
import { silentLogger } from '../../support/logger';
import { testSecretBox } from '../../support/mail';
import { SystemClock } from '../../../src/adapters/system/system-clock';

class SteppingClock implements Clock {
  constructor(private at = Date.UTC(2030, 0, 1)) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at += ms;
  }
}

/** A queue that can be switched off, as BullMQ is while Redis is down. */
class SwitchableQueue {
  down = false;
  constructor(readonly inner: InProcessJobQueue) {}
  enqueue(queue: QueueName, name: string, data: unknown, options?: EnqueueOptions) {
    if (this.down) return Promise.reject(new Error('Connection is closed.'));
    return this.inner.enqueue(queue, name, data, options);
  }
}

const setup = () => {
  const clock = new SteppingClock();
  const outbox = new InMemoryOutboxStore();
  const users = new InMemoryUserRepository();
  const jobs = new InProcessJobQueue(silentLogger(), { concurrency: 1, retry: DEFAULT_RETRY_POLICIES, clock: new SystemClock() });
  const queue = new SwitchableQueue(jobs);
  const relay = new RelayOutbox(outbox, queue as unknown as JobQueue, users, clock, silentLogger());
  const mail = new AccountMail(outbox, relay, new ObjectIdGenerator(), clock, testSecretBox());
  const emails = async () => (await jobs.list('email', 0, 1000)).items;
  return { clock, outbox, users, jobs, queue, relay, mail, emails };
};

const hello = { to: 'x@example.com', subject: 'Hello', body: 'x' };

describe('Jobs :: the outbox relay', () => {
  it('waits for the user a message was recorded for, and sends once it exists', async () => {
    const { clock, users, relay, mail, emails } = setup();
    const user = aUser();
    const id = await mail.record('welcome', hello, { forUserId: user.id });
    await mail.dispatch(id);
    expect(await emails()).to.have.length(0);
    await users.insert(user);
    clock.advance(2000);
    expect(await relay.relayDue()).to.equal(1);
    expect((await emails()).map((j) => j.id)).to.deep.equal([outboxJobId(id)]);
  });

  it('drops a message whose user never appeared, after the grace period', async () => {
    const { clock, outbox, relay, mail, emails } = setup();
    await mail.record('welcome', hello, { forUserId: aUser().id });
    clock.advance(ORPHAN_AFTER_MS - 1);
    await relay.relayDue();
    expect(await outbox.pending()).to.equal(1);
    clock.advance(2000);
    await relay.relayDue();
    expect(await outbox.pending()).to.equal(0);
    expect(await emails()).to.have.length(0);
  });

  it('keeps messages while the queue is down and relays each once when it is back', async () => {
    const { clock, outbox, queue, relay, mail, emails } = setup();
    queue.down = true;
    const ids = [await mail.record('welcome', hello), await mail.record('welcome', { ...hello, to: 'y@example.com' })];
    for (const id of ids) await mail.dispatch(id);
    expect(await relay.relayDue()).to.equal(0);
    expect(await outbox.pending()).to.equal(2);
    queue.down = false;
    clock.advance(5000);
    expect(await relay.relayDue()).to.equal(2);
    clock.advance(60_000);
    expect(await relay.relayDue()).to.equal(0);
    expect((await emails()).map((j) => j.id).sort()).to.deep.equal(ids.map(outboxJobId).sort());
  });

  it('queues one job when ten relays race over the same messages', async () => {
    const { outbox, queue, users, clock, mail, emails } = setup();
    for (let i = 0; i < 5; i++) await mail.record('welcome', { ...hello, to: `r${i}@example.com` });
    const relays = Array.from({ length: 10 }, () => new RelayOutbox(outbox, queue as unknown as JobQueue, users, clock, silentLogger()));
    const counts = await Promise.all(relays.map((r) => r.relayDue()));
    expect(counts.reduce((a, b) => a + b, 0)).to.equal(5);
    expect(await emails()).to.have.length(5);
  });

  it('re-relays a message whose relay died after queueing it under the same job id, so it is queued once', async () => {
    const { clock, outbox, jobs, relay, mail, emails } = setup();
    const id = await mail.record('welcome', hello);
    const crashed = await outbox.claim(clock.now(), 30_000, id);
    // The dead relay got as far as the queue, not as far as marking the message relayed.
    await jobs.enqueue('email', 'welcome', hello, { jobId: outboxJobId(crashed!.id) });
    clock.advance(30_001);
    expect(await relay.relayDue()).to.equal(1);
    expect(await emails()).to.have.length(1);
  });

  it('registration records the welcome e-mail with the user, and a refused duplicate leaves no message', async () => {
    const c = await embeddedContainer();
    const register = c.get<RegisterUser>(TYPES.RegisterUser);
    const outbox = c.get<OutboxStore>(TYPES.OutboxStore);
    const first = await register.execute({ name: 'Ada Lovelace', email: 'ada@engine.org', password: STRONG_PASSWORD });
    expect(E.isRight(first)).to.equal(true);
    const again = await register.execute({ name: 'Ada Lovelace', email: 'ada@engine.org', password: STRONG_PASSWORD });
    expect(E.isLeft(again) && again.left._tag).to.equal('EmailAlreadyInUse');
    expect(await outbox.pending()).to.equal(0);
    const welcomes = (await c.get<JobQueue>(TYPES.JobQueue).list('email', 0, 100)).items.filter((j) => (j.data as { to: string }).to === 'ada@engine.org');
    expect(welcomes).to.have.length(1);
  });
});
