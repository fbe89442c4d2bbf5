/** Unguessable tokens and their one-way digests. */
export interface SecretTokens {
  generate(bytes: number): string;
  digest(token: string): string;
}
