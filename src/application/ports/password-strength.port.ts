/** zxcvbn's 0-4 scale; `userInputs` (name, e-mail) count as easy guesses. */
export interface PasswordStrength {
  score(password: string, userInputs: readonly string[]): number;
}
