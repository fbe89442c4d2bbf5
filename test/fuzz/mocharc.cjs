'use strict';
// `npm run fuzz`: the fuzz suite alone, longer and with a random seed (see routes.fuzz.test.ts).
// The root config's spec list would be merged with ours, so it is replaced here, not extended.
const base = require('../../.mocharc.cjs');

module.exports = { ...base, spec: ['test/fuzz/**/*.test.ts'], timeout: 0 };
