// The compiled embedded Nexus with SEEDED_USERS users in its in-memory store: the embedded
// profile keeps its data in the process, so seeding happens here, through the repository,
// before it listens. Everything else is what dist/infrastructure/server.js composes.
import 'reflect-metadata';
import argon2 from 'argon2';
import { loadConfig } from '../../src/infrastructure/config/load-config';
import { createNexus } from '../../src/infrastructure/nexus';
import { OWASP_ARGON2ID } from '../../src/adapters/security/argon2-password-hasher';
import { SEEDED_USERS, USER_PASSWORD } from '../fixtures';
import { seedRepository } from '../seed';

const main = async (): Promise<void> => {
  const config = loadConfig();
  const nexus = await createNexus(config, { role: 'api' });
  const role = await nexus.adapters.roles.findByName('user');
  if (!role) throw new Error('the user role was not seeded');
  await seedRepository(nexus.adapters.users, SEEDED_USERS, role.id, await argon2.hash(USER_PASSWORD, OWASP_ARGON2ID));
  const server = nexus.http!.listen(config.http.port, config.http.host);
  const stop = () => {
    server.close(() => void nexus.close().then(() => process.exit(0)));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
};

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
