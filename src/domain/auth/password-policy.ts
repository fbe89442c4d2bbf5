import { type FieldError, fieldError } from '../shared/field-error';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;
export const MIN_STRENGTH_SCORE = 3;
export const PASSWORD_HISTORY_SIZE = 5;
export const PASSWORD_HISTORY_DAYS = 90;

/**
 * Every rule the password breaks, each as its own error on `path`. The strength score (0-4,
 * zxcvbn's scale) is estimated outside the domain and passed in.
 */
export const passwordProblems = (password: string, strengthScore: number, path = 'password'): FieldError[] => {
  const problems: FieldError[] = [];
  if (password.length < MIN_PASSWORD_LENGTH) problems.push(fieldError(path, `must be at least ${MIN_PASSWORD_LENGTH} characters`));
  if (password.length > MAX_PASSWORD_LENGTH) problems.push(fieldError(path, `must be at most ${MAX_PASSWORD_LENGTH} characters`));
  if (!/[a-z]/.test(password)) problems.push(fieldError(path, 'must contain a lowercase letter'));
  if (!/[A-Z]/.test(password)) problems.push(fieldError(path, 'must contain an uppercase letter'));
  if (!/[0-9]/.test(password)) problems.push(fieldError(path, 'must contain a digit'));
  if (!/[^A-Za-z0-9]/.test(password)) problems.push(fieldError(path, 'must contain a symbol'));
  if (strengthScore < MIN_STRENGTH_SCORE) problems.push(fieldError(path, 'is too easy to guess'));
  return problems;
};

export interface PasswordHistoryEntry {
  readonly hash: string;
  readonly changedAt: Date;
}

/** The entries still remembered at `now`: the newest five, none older than 90 days. */
export const rememberedPasswords = (history: readonly PasswordHistoryEntry[], now: Date): PasswordHistoryEntry[] => {
  const cutoff = now.getTime() - PASSWORD_HISTORY_DAYS * 86_400_000;
  return [...history]
    .filter((h) => h.changedAt.getTime() >= cutoff)
    .sort((a, b) => b.changedAt.getTime() - a.changedAt.getTime())
    .slice(0, PASSWORD_HISTORY_SIZE);
};
