import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const COMPOSE = readFileSync(resolve(__dirname, '../../../docker-compose.yml'), 'utf8');

describe('Infrastructure :: docker-compose.yml', () => {
  it('supplies no default for any secret (a default in the repository is public)', () => {
    const defaulted = [...COMPOSE.matchAll(/\$\{(\w+):?-([^}]*)\}/g)]
      .filter(([, name, fallback]) => /SECRET|TOKEN|PASSWORD|KEY|URL/.test(name!) && fallback !== '')
      .map(([, name]) => name);
    expect(defaulted).to.deep.equal([]);
  });

  it('refuses to start without JWT_SECRET and says how to make one', () => {
    expect(COMPOSE).to.match(/JWT_SECRET: \$\{JWT_SECRET:\?[^}]*openssl rand -hex 32\}/);
  });
});
