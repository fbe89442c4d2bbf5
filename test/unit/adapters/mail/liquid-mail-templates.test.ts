import { expect } from 'chai';
import { cp, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiquidMailTemplates, MAIL_TEMPLATES_DIR, templateFile } from '../../../../src/adapters/mail/liquid-mail-templates';
import { ACCOUNT_MAIL_KINDS, type AccountMailKind, type AccountMailVars } from '../../../../src/application/ports/mail-templates.port';
import { testMailTemplates, TEST_APP_URL } from '../../../support/mail';

const TOKEN = 'q8X_-zR3tY5uI7oP9aS1dF3gH5jK7lZ9xC1vB3nM5qW';
const RESET = `${TEST_APP_URL}/reset-password?token=${TOKEN}`;
const VERIFY = `${TEST_APP_URL}/verify-email?token=${TOKEN}`;

/** One set of variables per kind, each with something worth seeing in the mail. */
const VARS: { readonly [K in AccountMailKind]: AccountMailVars[K] } = {
  'welcome': { link: VERIFY },
  'email-verification': { link: VERIFY },
  'password-reset': { link: RESET, expiresInMinutes: 60 },
  'password-changed': {},
  'account-locked': { lockedUntil: '2030-01-01T00:15:00.000Z' },
  'email-changed': { newEmail: 'ada.new@example.com' },
};

const HOSTILE = `<script>alert(1)</script> "&' Ada`;
const ada = { email: 'ada@example.com', name: 'Ada Lovelace' };

/** The text a browser shows for an HTML fragment: tags gone, the five entities liquidjs writes decoded. */
const shown = (html: string): string =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

describe('Mail templates :: liquidjs', () => {
  const templates = testMailTemplates();

  for (const kind of ACCOUNT_MAIL_KINDS) {
    describe(kind, () => {
      it('renders a one-line subject, a text part and an HTML part, each greeting the recipient', () => {
        const mail = templates.render(kind, ada, VARS[kind]);

        expect(mail.subject).to.be.a('string').and.not.equal('');
        expect(mail.subject).to.not.match(/[\r\n]/);
        expect(mail.text).to.include('Hello Ada Lovelace,');
        expect(mail.html).to.match(/^<!doctype html>/i);
        expect(mail.html).to.include('Hello Ada Lovelace,');
        expect(mail.html).to.include(`<title>${mail.subject}</title>`);
        expect(mail.text, 'no Liquid left over').to.not.match(/\{\{|\{%/);
        expect(mail.html, 'no Liquid left over').to.not.match(/\{\{|\{%/);
      });

      it('escapes a hostile name in the HTML part, and keeps it as written in the text part', () => {
        const mail = templates.render(kind, { ...ada, name: HOSTILE }, VARS[kind]);

        expect(mail.html).to.not.include('<script>');
        expect(mail.html).to.not.include(`"&'`);
        expect(mail.html).to.include('Hello &lt;script&gt;alert(1)&lt;/script&gt; &#34;&amp;&#39; Ada,');
        expect(mail.text).to.include(`Hello ${HOSTILE},`);
      });

      it('keeps the subject on one line and the greeting in one piece when the name holds line breaks', () => {
        const name = 'Ada\r\nBcc: intruder@example.com\n\nDear customer, click here\u2028X';
        const mail = templates.render(kind, { ...ada, name }, VARS[kind]);

        expect(mail.subject).to.not.match(/[\r\n\u2028\u2029]/);
        expect(mail.text).to.include('Hello Ada Bcc: intruder@example.com Dear customer, click here X,');
        expect(mail.text).to.not.match(/^Bcc:/m);
        expect(mail.html).to.not.match(/[\r\n]Bcc:/);
      });

      it('says what to do if it was not you', () => {
        const mail = templates.render(kind, ada, VARS[kind]);
        const hint = kind === 'welcome' || kind === 'email-verification' ? /If you did not/ : /If it was not you/;
        expect(mail.text).to.match(hint);
        expect(shown(mail.html)).to.match(hint);
      });
    });
  }

  for (const [kind, link] of [
    ['password-reset', RESET],
    ['email-verification', VERIFY],
    ['welcome', VERIFY],
  ] as const) {
    it(`puts the ${kind} link, whole, in both parts (as the href of a button in HTML)`, () => {
      const mail = templates.render(kind, ada, VARS[kind]);

      expect(mail.text).to.include(`\n${link}\n`);
      expect(mail.html).to.include(`href="${link}"`);
      expect(shown(mail.html)).to.include(link);
    });
  }

  it('escapes a link that would break out of its attribute, and refuses one that is not http(s)', () => {
    const sneaky = `${TEST_APP_URL}/reset-password?token=a"><img src=x onerror=alert(1)>&b='c`;
    const mail = templates.render('password-reset', ada, { link: sneaky, expiresInMinutes: 60 });
    expect(mail.html).to.not.include('<img');
    expect(mail.html).to.include('href="http://localhost:3000/reset-password?token=a&#34;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;b=&#39;c"');
    expect(mail.text).to.include(sneaky);

    expect(() => templates.render('password-reset', ada, { link: 'javascript:alert(1)', expiresInMinutes: 60 })).to.throw(/http\(s\) URL/);
  });

  it('escapes every variable in the HTML part, not only the name', () => {
    const mail = templates.render('email-changed', ada, { newEmail: '"><b>x</b>@example.com' });
    expect(mail.html).to.include('&#34;&gt;&lt;b&gt;x&lt;/b&gt;@example.com');
    expect(mail.html).to.not.include('<b>x</b>');
  });

  it('tells how long a reset link works, and when a locked account opens again, in UTC', () => {
    expect(templates.render('password-reset', ada, { link: RESET, expiresInMinutes: 45 }).text).to.include('within 45 minutes');
    const locked = templates.render('account-locked', ada, { lockedUntil: '2030-01-01T00:15:00.000Z' });
    expect(locked.text).to.include('2030-01-01 00:15 UTC');
    expect(locked.html).to.include('2030-01-01 00:15 UTC');
  });

  it('shows no confirmation link in the welcome mail when it is given none', () => {
    const mail = templates.render('welcome', ada, { link: '' });
    expect(mail.text).to.not.include('Please confirm');
    expect(mail.html).to.not.include('href=""');
  });

  describe('loading', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'nexus-templates-'));
      await cp(MAIL_TEMPLATES_DIR, dir, { recursive: true });
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it('uses the wording of the folder it is given (change a file, change the mail)', async () => {
      await writeFile(join(dir, templateFile('password-changed', 'subject')), 'Heads up, {{ name }}: new password at {{ product }}\n');
      const mail = LiquidMailTemplates.load({ dir, appUrl: TEST_APP_URL, product: 'Acme' }).render('password-changed', ada, {});
      expect(mail.subject).to.equal('Heads up, Ada Lovelace: new password at Acme');
    });

    it('refuses to start without every template, naming what is missing', async () => {
      await unlink(join(dir, templateFile('account-locked', 'html')));
      expect(() => LiquidMailTemplates.load({ dir, appUrl: TEST_APP_URL })).to.throw(/missing .*account-locked\.html\.liquid/);
      expect(() => LiquidMailTemplates.load({ dir: join(dir, 'nowhere'), appUrl: TEST_APP_URL })).to.throw(/mail templates not found/);
    });

    it('refuses to start with a template that names a variable its mail does not have', async () => {
      await writeFile(join(dir, templateFile('password-reset', 'text')), 'Hello {{ name }}, {{ tokn }}\n');
      expect(() => LiquidMailTemplates.load({ dir, appUrl: TEST_APP_URL })).to.throw(/undefined variable: tokn/);
    });
  });
});
