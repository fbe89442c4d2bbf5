import { expect } from 'chai';
import supertest from 'supertest';
import type { Clock } from '../../src/application/ports/clock.port';
import type { Mailer, OutgoingMail } from '../../src/application/ports/mailer.port';
import { loadConfig } from '../../src/infrastructure/config/load-config';
import { createNexus, type Nexus } from '../../src/infrastructure/nexus';
import { eventually } from '../support/eventually';
import { silentLogger } from '../support/logger';

/** What a team embedding Nexus writes in its own tests: a fake mailer that remembers. */
class FakeMailer implements Mailer {
  readonly sent: OutgoingMail[] = [];
  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    this.sent.push(mail);
    return { messageId: mail.messageId ?? `<fake-${this.sent.length}@test>` };
  }
  async ping(): Promise<void> {}
}

/** A clock that says what the test says. */
class FixedClock implements Clock {
  constructor(private at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

describe('Embedding :: swapping adapters through createNexus (the README example)', () => {
  let nexus: Nexus;
  const mailer = new FakeMailer();
  const clock = new FixedClock(new Date('2030-01-07T09:00:00.000Z'));

  before(async () => {
    nexus = await createNexus(loadConfig({ NODE_ENV: 'test' }), { logger: silentLogger(), role: 'all', adapters: { mailer, clock } });
  });
  after(async () => nexus?.close());

  it('registers through the API, stamps the fixed time, and sends the welcome mail through the fake', async () => {
    const http = supertest(nexus.http!.callback());
    const res = await http.post('/api/auth/register').send({ name: 'Ada Lovelace', email: 'ada@example.com', password: 'Engine-Analytic42!' }).expect(201);
    expect(res.body.data.user.createdAt).to.equal('2030-01-07T09:00:00.000Z');
    const mail = await eventually(() => mailer.sent.find((m) => m.to === 'ada@example.com'), 5000, 'the welcome mail');
    expect(mail.subject).to.match(/Welcome/);
  });

  it('expires access tokens on the swapped clock', async () => {
    const http = supertest(nexus.http!.callback());
    const login = await http.post('/api/auth/login').send({ email: 'ada@example.com', password: 'Engine-Analytic42!' }).expect(200);
    const auth = `Bearer ${login.body.data.accessToken as string}`;
    await http.get('/api/auth/me').set('Authorization', auth).expect(200);
    clock.advance(16 * 60_000);
    await http.get('/api/auth/me').set('Authorization', auth).expect(401);
  });
});
