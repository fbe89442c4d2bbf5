import type { User } from '../../domain/users/user';

/** The payload of a job on the `email` queue. Decoded again by the worker: payloads outlive deploys. */
export interface EmailJobData {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
}

export const welcomeEmail = (user: User): EmailJobData => ({
  to: user.email,
  subject: 'Welcome to Nexus',
  body: `Hello ${user.name},\n\nyour account is ready.\n`,
});
