import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { simpleParser } from 'mailparser';
import { MongoClient } from 'mongodb';
import { OUTBOX_COLLECTION } from '../../src/adapters/mongo/mongo-outbox-store';
import { AccountMail } from '../../src/application/jobs/account-mail';
import { outboxJobId } from '../../src/application/jobs/outbox-relay';
import { eventually } from '../support/eventually';
import { capturingLogger } from '../support/logger';
import { PROFILES, startTestApp, type TestApp } from '../support/test-app';

const APP_URL = 'https://app.nexus.test';

/** Every value Redis holds under `prefix`, whatever the key's type, as one string. */
const dumpRedis = async (url: string, prefix: string): Promise<{ keys: string[]; text: string }> => {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    const values = await Promise.all(
      keys.map(async (key) => {
        const type = await redis.type(key);
        if (type === 'string') return redis.get(key);
        if (type === 'hash') return redis.hgetall(key);
        if (type === 'list') return redis.lrange(key, 0, -1);
        if (type === 'set') return redis.smembers(key);
        if (type === 'zset') return redis.zrange(key, 0, -1);
        if (type === 'stream') return redis.xrange(key, '-', '+');
        return `<${type}>`;
      }),
    );
    return { keys, text: JSON.stringify(Object.fromEntries(keys.map((k, i) => [k, values[i]]))) };
  } finally {
    redis.disconnect();
  }
};

/** Every document of every collection of the app's database, as one string. */
const dumpMongo = async (url: string, dbName: string): Promise<{ outbox: unknown[]; text: string }> => {
  const client = await MongoClient.connect(url);
  try {
    const db = client.db(dbName);
    const all: Record<string, unknown[]> = {};
    for (const { name } of await db.listCollections().toArray()) all[name] = await db.collection(name).find({}).toArray();
    return { outbox: all[OUTBOX_COLLECTION] ?? [], text: JSON.stringify(all) };
  } finally {
    await client.close();
  }
};

for (const profile of PROFILES) {
  describe(`e2e :: account e-mails carry their link to the inbox and nowhere else in the clear (${profile})`, function () {
    this.timeout(60_000);
    let app: TestApp;
    const logs = capturingLogger();

    before(async function () {
      app = await startTestApp(this, profile, { APP_URL }, logs.logger);
    });
    after(async () => app?.close());

    it('a password-reset mail arrives over SMTP with the link in its text and HTML parts, escaped in HTML; no store, queue or log line holds the token', async () => {
      const token = randomBytes(32).toString('base64url');
      const link = `${APP_URL}/reset-password?token=${token}`;
      const to = `sealed.${profile}@example.com`;
      const mail = app.runtime.container.get(AccountMail);

      const id = await mail.send('password-reset', { email: to, name: `Ada "<b>" O'Hara` }, { link, expiresInMinutes: 60 });
      await mail.dispatch(id);

      const received = await eventually(() => app.smtp.to(to)[0], 20_000, 'the password-reset mail');
      const parsed = await simpleParser(received.raw);
      expect(parsed.subject).to.equal('Reset your password');
      expect(received.raw).to.match(/^Content-Type: multipart\/alternative;/m);
      expect(parsed.text).to.include(link).and.include(`Hello Ada "<b>" O'Hara,`);
      expect(parsed.html).to.include(`href="${link}"`).and.include('Hello Ada &#34;&lt;b&gt;&#34; O&#39;Hara,');

      // The job as the API shows it: sealed.
      const admin = (await app.admin()).auth;
      const job = await app.http.get(`/api/jobs/email/${outboxJobId(id)}`).set('Authorization', admin).expect(200);
      expect(job.body.data.data).to.have.keys('kind', 'to', 'sealed').and.include({ kind: 'password-reset', to });
      expect(JSON.stringify(job.body)).to.not.include(token);

      expect(logs.raw()).to.include(outboxJobId(id));
      expect(logs.raw(), 'the log').to.not.include(token);

      if (profile === 'production') {
        const { mongo, redis } = app.runtime.config;
        const database = await dumpMongo(mongo!.url, mongo!.dbName);
        expect(JSON.stringify(database.outbox), 'the outbox holds the sealed mail').to.include('"sealed":"v1.');
        expect(database.text, 'MongoDB').to.not.include(token);
        if (redis!.target.kind !== 'single') throw new Error('this test reads one Redis');
        const queued = await dumpRedis(redis!.target.url, `${redis!.keyPrefix}:`);
        expect(queued.keys, 'the job is still in Redis').to.include(`${redis!.keyPrefix}:email:${outboxJobId(id)}`);
        expect(queued.text, 'the job data in Redis holds the sealed mail').to.include('\\"sealed\\":\\"v1.');
        expect(queued.text, 'Redis').to.not.include(token);
      }
    });

    it('the welcome mail of a registration arrives with both parts', async () => {
      const email = `welcome.${profile}@example.com`;
      await app.http.post('/api/auth/register').send({ name: `Grace "Amazing" O'Hopper & Co`, email, password: 'Tangerine-Lighthouse-58!' }).expect(201);

      const received = await eventually(() => app.smtp.to(email)[0], 20_000, 'the welcome mail');
      const parsed = await simpleParser(received.raw);
      expect(parsed.subject).to.equal('Welcome to Nexus');
      expect(parsed.text).to.include(`Hello Grace "Amazing" O'Hopper & Co,`);
      expect(parsed.html).to.include('Hello Grace &#34;Amazing&#34; O&#39;Hopper &amp; Co,');
    });
  });
}
