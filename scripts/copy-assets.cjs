#!/usr/bin/env node
'use strict';
/**
 * `tsc` emits JavaScript only: this copies the files the compiled code reads at run time to the
 * same place under the output folder (`dist` unless one is given), after `tsc` in `npm run build`.
 */
const { cpSync, rmSync } = require('node:fs');
const { join, resolve } = require('node:path');

/** Folders under src/ that hold run-time files, copied whole. */
const ASSETS = ['adapters/mail/templates'];

const root = join(__dirname, '..');
const outDir = resolve(process.argv[2] ?? join(root, 'dist'));
for (const asset of ASSETS) {
  const to = join(outDir, asset);
  rmSync(to, { recursive: true, force: true });
  cpSync(join(root, 'src', asset), to, { recursive: true });
}
