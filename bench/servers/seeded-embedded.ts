// The compiled embedded Nexus (dist/, as start:prod runs it) with SEEDED_USERS users in its
// in-memory store: the embedded profile keeps its data in the process, so seeding happens here,
// through the repository, before it listens.
import 'reflect-metadata';
import argon2 from 'argon2';
import type * as LoadConfig from '../../src/infrastructure/config/load-config';
import type * as NexusModule from '../../src/infrastructure/nexus';
import { OWASP_ARGON2ID } from '../../src/adapters/security/argon2-password-hasher';
import { fromBuild, SEEDED_USERS, USER_PASSWORD } from '../fixtures';
import { seedRepository } from '../seed';

const main = async (): Promise<void> => {
  const { loadConfig } = fromBuild<typeof LoadConfig>('infrastructure/config/load-config.js');
  const { createNexus } = fromBuild<typeof NexusModule>('infrastructure/nexus.js');
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
