import { apiKeysModule } from './api-keys.module';
import { auditModule } from './audit.module';
import { authModule } from './auth.module';
import { jobsModule } from './jobs.module';
import { lockoutModule } from './lockout.module';
import type { NexusModule } from './module';
import { rolesModule } from './roles.module';
import { usersModule } from './users.module';

/** Every feature module, in the order their routes are mounted. */
export const MODULES: readonly NexusModule[] = [authModule, usersModule, lockoutModule, rolesModule, apiKeysModule, auditModule, jobsModule];
