'use strict';
/**
 * The dependency rule of the house: domain <- application <- adapters <- infrastructure.
 * A wrong import fails `npm run lint`, not a review.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'The domain imports only itself and fp-ts: no framework, driver or Node API.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', 'node_modules/fp-ts/'] },
    },
    {
      name: 'application-depends-on-domain-only',
      comment: 'Use cases and ports know the domain, fp-ts and the DI annotations, nothing of adapters or infrastructure.',
      severity: 'error',
      from: { path: '^src/application/', pathNot: '\\.job\\.ts$' },
      to: {
        pathNot: ['^src/domain/', '^src/application/', 'node_modules/(fp-ts|inversify|@inversifyjs)/'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'job-definitions-decode-their-payload',
      comment:
        'A job type (`<name>.job.ts`) holds its payload codec: a queued payload is input from outside the process, decoded again by the worker, so io-ts is allowed there and nowhere else in the application.',
      severity: 'error',
      from: { path: '^src/application/.+\\.job\\.ts$' },
      to: {
        pathNot: ['^src/domain/', '^src/application/', 'node_modules/(fp-ts|inversify|@inversifyjs|io-ts)/'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'adapters-do-not-reach-infrastructure',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/infrastructure/' },
    },
    {
      name: 'no-adapter-imports-another-kind',
      comment: 'adapters/http must not import adapters/mongo, and so on: adapters meet only in the composition root.',
      severity: 'error',
      from: { path: '^src/adapters/([^/]+)/' },
      to: { path: '^src/adapters/([^/]+)/', pathNot: '^src/adapters/$1/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-does-not-import-tests',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
