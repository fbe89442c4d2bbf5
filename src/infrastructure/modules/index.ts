import { accountModule } from './account.module';
import { adminModule } from './admin.module';
import { apiKeysModule } from './api-keys.module';
import { auditModule } from './audit.module';
import { authModule } from './auth.module';
import { jobsModule } from './jobs.module';
import { lockoutModule } from './lockout.module';
import { mfaModule } from './mfa.module';
import type { NexusModule } from './module';
import { rolesModule } from './roles.module';
import { sessionsModule } from './sessions.module';
import { usersModule } from './users.module';

/** Every feature module, in the order their routes are mounted. */
export const MODULES: readonly NexusModule[] = [authModule, accountModule, mfaModule, usersModule, lockoutModule, rolesModule, apiKeysModule, auditModule, jobsModule, sessionsModule, adminModule];
