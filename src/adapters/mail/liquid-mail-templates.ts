import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Liquid, type Template } from 'liquidjs';
import {
  ACCOUNT_MAIL_KINDS,
  type AccountMailKind,
  type AccountMailVars,
  type MailTemplates,
  type Recipient,
  type RenderedMail,
} from '../../application/ports/mail-templates.port';

/** Where the templates sit next to this module: `src/adapters/mail/templates` and, after `npm run build`, `dist/adapters/mail/templates`. */
export const MAIL_TEMPLATES_DIR = join(__dirname, 'templates');

const PARTS = ['subject', 'text', 'html'] as const;
type Part = (typeof PARTS)[number];

/** The template file of one part of one kind, e.g. `password-reset.html.liquid`. */
export const templateFile = (kind: AccountMailKind, part: Part): string => `${kind}.${part}.liquid`;

export interface MailTemplateOptions {
  /** The folder of `*.liquid` files; the one shipped beside this module by default. */
  readonly dir?: string;
  /** The public address of the app (`APP_URL`), for templates that point there. */
  readonly appUrl: string;
  /** The product's name as the mails show it. */
  readonly product?: string;
}

/**
 * The account e-mails, worded by Liquid templates (liquidjs): one folder, three files per kind
 * (`<kind>.subject.liquid`, `<kind>.text.liquid`, `<kind>.html.liquid`) and shared pieces whose
 * names start with `_` (`_layout.html.liquid`, `_footer.text.liquid`). Every file is read and
 * parsed once, when the adapter is built; a missing or broken one stops the process at start.
 *
 * The HTML part is rendered with `outputEscape: 'escape'`, so every `{{ value }}` is
 * HTML-escaped (`& < > " '`) unless a template opts out with `| raw` (none does); the subject
 * and the text part are plain text. Before rendering, every variable has its control
 * characters and line breaks turned into spaces, so no value can add a header line, a line to
 * the subject, or a fake paragraph to the text. Templates run no code: Liquid has no access to
 * JavaScript, and `ownPropertyOnly` hides prototypes.
 */
export class LiquidMailTemplates implements MailTemplates {
  private constructor(
    private readonly text: Liquid,
    private readonly html: Liquid,
    private readonly compiled: ReadonlyMap<string, Template[]>,
  ) {}

  static load(options: MailTemplateOptions): LiquidMailTemplates {
    const dir = options.dir ?? MAIL_TEMPLATES_DIR;
    const sources = readTemplates(dir);
    const missing = ACCOUNT_MAIL_KINDS.flatMap((kind) => PARTS.map((part) => templateFile(kind, part))).filter((file) => !(file in sources));
    if (missing.length > 0) throw new Error(`mail templates missing in ${dir}: ${missing.join(', ')}`);
    const common = {
      templates: sources,
      cache: true,
      strictVariables: true,
      strictFilters: true,
      lenientIf: true,
      ownPropertyOnly: true,
      // Dates (`| date`) in UTC and English, whatever the machine's time zone and locale (asking
      // the runtime for its locale would also page ~6 MB of ICU data into every process).
      timezoneOffset: 0,
      locale: 'en-US',
      globals: { product: options.product ?? 'Nexus', appUrl: options.appUrl },
    };
    const text = new Liquid(common);
    const html = new Liquid({ ...common, outputEscape: 'escape' });
    const compiled = new Map<string, Template[]>();
    for (const kind of ACCOUNT_MAIL_KINDS) {
      for (const part of PARTS) {
        const file = templateFile(kind, part);
        try {
          compiled.set(file, (part === 'html' ? html : text).parseFileSync(file));
        } catch (err) {
          throw new Error(`mail template ${join(dir, file)} does not parse: ${(err as Error).message}`);
        }
      }
    }
    const templates = new LiquidMailTemplates(text, html, compiled);
    // Renders each kind once with sample values, so a template naming an unknown variable fails now, not on a user's mail.
    for (const kind of ACCOUNT_MAIL_KINDS) templates.render(kind, { name: 'Ada', email: 'ada@example.com' }, SAMPLES[kind]);
    return templates;
  }

  render<K extends AccountMailKind>(kind: K, recipient: Recipient, vars: AccountMailVars[K]): RenderedMail {
    const scope: Record<string, unknown> = { ...plainValues(vars), name: oneLine(recipient.name), email: oneLine(recipient.email) };
    const link = scope['link'];
    if (typeof link === 'string' && link !== '' && !/^https?:\/\//i.test(link)) throw new Error(`the ${kind} link must be an http(s) URL`);
    const subject = oneLine(this.text.renderSync(this.template(kind, 'subject'), scope) as string).trim();
    const text = tidy(this.text.renderSync(this.template(kind, 'text'), scope) as string);
    const html = (this.html.renderSync(this.template(kind, 'html'), { ...scope, subject }) as string).trim() + '\n';
    return { subject, text, html };
  }

  private template(kind: AccountMailKind, part: Part): Template[] {
    const compiled = this.compiled.get(templateFile(kind, part));
    if (!compiled) throw new Error(`no ${part} template for ${kind}`);
    return compiled;
  }
}

const readTemplates = (dir: string): Record<string, string> => {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.liquid'));
  } catch (err) {
    throw new Error(`mail templates not found in ${dir} (does the build copy them? see package.json "build"): ${(err as Error).message}`);
  }
  return Object.fromEntries(names.map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
};

/** Control characters (C0, DEL, C1) and Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

const oneLine = (value: string): string => value.replace(LINE_BREAKING, ' ');

/** Strings made one line; numbers kept; anything else refused (the templates show text and numbers only). */
const plainValues = (vars: object): Record<string, string | number> =>
  Object.fromEntries(
    Object.entries(vars).map(([key, value]) => {
      if (typeof value === 'string') return [key, oneLine(value)];
      if (typeof value === 'number') return [key, value];
      throw new Error(`mail variable ${key} must be a string or a number`);
    }),
  );

/** At most one blank line in a row, no trailing spaces (but the signature line `-- `), one final line break. */
const tidy = (text: string): string =>
  text
    .replace(/^(?!-- $)(.*?)[ \t]+$/gm, '$1')
    .replace(/\n{3,}/g, '\n\n')
    .trim() + '\n';

const SAMPLES: { readonly [K in AccountMailKind]: AccountMailVars[K] } = {
  'welcome': { link: 'https://app.example/verify-email?token=sample' },
  'email-verification': { link: 'https://app.example/verify-email?token=sample' },
  'password-reset': { link: 'https://app.example/reset-password?token=sample', expiresInMinutes: 60 },
  'password-changed': {},
  'account-locked': { lockedUntil: '2030-01-01T00:15:00.000Z' },
  'email-changed': { newEmail: 'ada.new@example.com' },
};
