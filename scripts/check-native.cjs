#!/usr/bin/env node
// Proves the native modules that `npm ci` installed load and work on the Node running this
// script: CI runs it on the machine's Node 20 and on Node 24 against the same node_modules, so
// a binary that only one of them can load fails here, in one clear line, before any test runs.
//
// argon2 is the only native dependency. Its binaries are N-API ("node-api"), whose ABI is
// stable across Node majors, so the one installed under Node 20 must load under Node 24 too.
// node-gyp-build picks build/Release (when the install script compiled one) or else the prebuild
// shipped in the package; the one picked must hash and verify, the other is tried and reported.
'use strict';

const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { dirname, join, relative } = require('node:path');

const fail = (message) => {
  process.stderr.write(`check-native: ${message} (Node ${process.version})\n`);
  process.exit(1);
};

const main = async () => {
  const root = dirname(require.resolve('argon2/package.json'));
  const argon2 = require('argon2');
  const hash = await argon2.hash('correct horse battery staple', { type: argon2.argon2id });
  if (!(await argon2.verify(hash, 'correct horse battery staple'))) fail('argon2 does not verify its own hash');
  if (await argon2.verify(hash, 'wrong')) fail('argon2 verifies a wrong password');

  const inUse = Object.keys(require.cache).filter((p) => p.endsWith('.node'));
  if (inUse.length === 0) fail('argon2 loaded no native binary');

  // What else the package holds, each tried in a child process (a bad binary may crash the
  // process that loads it): for the record, since only the one in use has to work.
  const libc = process.report?.getReport().header.glibcVersionRuntime ? 'glibc' : 'musl';
  const others = [join(root, 'build', 'Release', 'argon2.node'), join(root, 'prebuilds', `${process.platform}-${process.arch}`, `argon2.${libc}.node`)]
    .filter((p) => existsSync(p) && !inUse.includes(p))
    .map((p) => {
      const child = spawnSync(process.execPath, ['-e', `process.exit(typeof require(${JSON.stringify(p)}).hash === 'function' ? 0 : 1)`], { stdio: 'ignore' });
      return `${relative(root, p)} ${child.status === 0 ? 'loads' : `does not load here (${child.signal ?? `exit ${child.status}`})`}`;
    });
  process.stdout.write(
    `check-native: argon2 hashes and verifies on Node ${process.version} (ABI ${process.versions.modules}, N-API ${process.versions.napi}) ` +
      `with ${inUse.map((p) => relative(root, p)).join(', ')}${others.length > 0 ? `; also in the package: ${others.join('; ')}` : ''}\n`,
  );
};

main().catch((err) => fail(err.stack ?? String(err)));
