import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { MAIL_TEMPLATES_DIR } from '../../../src/adapters/mail/liquid-mail-templates';

const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * `tsc` emits JavaScript only, and the mail templates are read at run time from beside their
 * adapter: the build must put them there, or `node dist/infrastructure/server.js` stops at start.
 * This builds the templates adapter alone with the project's build settings into a temporary
 * folder, runs the build's copy step into the same folder, and has the compiled code, in a
 * process of its own, render every kind from what it finds there.
 */
describe('Build :: the compiled app finds its mail templates', function () {
  this.timeout(90_000);
  let out: string;

  before(async () => {
    out = await mkdtemp(join(tmpdir(), 'nexus-build-'));
  });
  after(() => rm(out, { recursive: true, force: true }));

  it('npm run build runs the copy step after tsc, and the image build has the copy step', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['build']).to.match(/^tsc -p tsconfig\.build\.json && node scripts\/copy-assets\.cjs$/);
    const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile.indexOf('COPY scripts/copy-assets.cjs')).to.be.greaterThan(-1).and.lessThan(dockerfile.indexOf('RUN npm run build'));
  });

  it('the templates sit beside their adapter, at the same place under src/ and dist/', async () => {
    const build = JSON.parse(await readFile(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } };
    expect(build.compilerOptions).to.include({ rootDir: 'src', outDir: 'dist' });
    expect(relative(ROOT, MAIL_TEMPLATES_DIR)).to.equal(join('src', 'adapters', 'mail', 'templates'));
  });

  it('copies every template, and the compiled adapter renders every kind from the copy', async () => {
    const config = join(out, 'tsconfig.json');
    await writeFile(
      config,
      JSON.stringify({
        extends: join(ROOT, 'tsconfig.build.json'),
        compilerOptions: { rootDir: join(ROOT, 'src'), outDir: out, sourceMap: false, typeRoots: [join(ROOT, 'node_modules', '@types')] },
        include: [],
        files: [join(ROOT, 'src', 'adapters', 'mail', 'liquid-mail-templates.ts')],
      }),
    );
    await run(process.execPath, [TSC, '-p', config], { cwd: ROOT }).catch((err: Error & { stdout?: string }) => {
      throw new Error(`tsc failed: ${err.stdout ?? err.message}`);
    });
    await run(process.execPath, [join(ROOT, 'scripts', 'copy-assets.cjs'), out], { cwd: ROOT });

    const copied = join(out, 'adapters', 'mail', 'templates');
    expect((await readdir(copied)).sort()).to.deep.equal((await readdir(MAIL_TEMPLATES_DIR)).sort());

    const probe = `
      const { LiquidMailTemplates } = require(${JSON.stringify(join(out, 'adapters', 'mail', 'liquid-mail-templates.js'))});
      const { ACCOUNT_MAIL_KINDS } = require(${JSON.stringify(join(out, 'application', 'ports', 'mail-templates.port.js'))});
      const templates = LiquidMailTemplates.load({ appUrl: 'https://app.example' });
      const mail = templates.render('password-reset', { name: 'Ada', email: 'ada@example.com' }, { link: 'https://app.example/reset-password?token=t0k3n', expiresInMinutes: 60 });
      console.log(JSON.stringify({ kinds: ACCOUNT_MAIL_KINDS.length, subject: mail.subject, link: mail.text.includes('token=t0k3n') && mail.html.includes('token=t0k3n') }));
    `;
    // Run where node_modules resolves (the probe requires liquidjs from the compiled file's folder upward: give it the project's).
    const { stdout } = await run(process.execPath, ['-e', probe], { cwd: ROOT, env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') } });
    expect(JSON.parse(stdout.trim())).to.deep.equal({ kinds: 6, subject: 'Reset your password', link: true });
  });
});
