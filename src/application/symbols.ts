/** Every service identifier the container knows, in one place. */
export const TYPES = {
  Config: Symbol.for('Config'),
  Logger: Symbol.for('Logger'),
  Clock: Symbol.for('Clock'),
  IdGenerator: Symbol.for('IdGenerator'),
  UserRepository: Symbol.for('UserRepository'),
  Cache: Symbol.for('Cache'),
  JobQueue: Symbol.for('JobQueue'),
  JobWorker: Symbol.for('JobWorker'),
  Mailer: Symbol.for('Mailer'),
  HealthChecks: Symbol.for('HealthChecks'),

  CreateUser: Symbol.for('CreateUser'),
  GetUser: Symbol.for('GetUser'),
  UpdateUser: Symbol.for('UpdateUser'),
  SendEmail: Symbol.for('SendEmail'),
} as const;
