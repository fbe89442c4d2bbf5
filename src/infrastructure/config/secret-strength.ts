import type { dictionary as ZxcvbnDictionary } from '@zxcvbn-ts/language-common';

/**
 * zxcvbn's diceware word list (7,776 words), the one list this check uses. Loaded from its own
 * module in @zxcvbn-ts/language-common: the package's index also loads its 30,000 common
 * passwords, which every process would then carry for its whole life (3-4 MB of RSS) although
 * only a password check (zxcvbn-password-strength.ts, loaded at the first one) uses them. A unit
 * test proves this list is the one the package's index calls `diceware-common`.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a module of the package without its own typings
const DICEWARE = require('@zxcvbn-ts/language-common/dist/diceware.json.cjs') as (typeof ZxcvbnDictionary)['diceware-common'];
if (!Array.isArray(DICEWARE) || DICEWARE.length < 7000 || !DICEWARE.every((w) => typeof w === 'string')) {
  throw new Error('@zxcvbn-ts/language-common/dist/diceware.json.cjs is not the diceware word list any more');
}
export const DICEWARE_WORDS: readonly string[] = DICEWARE;

/**
 * Is a secret (a signing key, a bearer token) strong enough for production? A secret that an
 * attacker can guess lets them sign an admin token, so the bar is 32 random bytes (256 bits),
 * estimated conservatively:
 *
 * - the character set counts only what the value uses (hex is 4 bits a character, base64 6);
 * - runs, sequences, keyboard walks, repeats of an earlier part and dictionary words cost
 *   almost nothing, as they cost an attacker almost nothing;
 * - but a pattern only counts when it is longer than chance would produce: 32 random bytes
 *   carry exactly 256 bits, so `openssl rand -hex 32` must not be refused for an accidental
 *   `aaa`. Strings that look like a generator's output (hex, base32/36/62/64) need a pattern
 *   that random data shows less than once in about a million; hand-made ones (words, spaces,
 *   punctuation) much less evidence.
 *
 * Reasons are fixed sentences: nothing of the value ever reaches a message or a log.
 */
export const MIN_SECRET_BITS = 256;

const HOW = 'generate one with `openssl rand -hex 32` (32 random bytes)';

export const SECRET_REASONS = {
  placeholder: `is a placeholder or an example value; ${HOW}`,
  short: `is too short: it needs at least 32 bytes of random data (256 bits); ${HOW}`,
  repetitive: `repeats a character or a short pattern; ${HOW}`,
  predictable: `is too predictable: its characters, words, sequences or keyboard walks give it less than 256 bits of entropy; ${HOW}`,
} as const;

export type SecretWeakness = (typeof SECRET_REASONS)[keyof typeof SECRET_REASONS];

/** Why `value` is not a production secret, or undefined when it is one. */
export const secretWeakness = (value: string): SecretWeakness | undefined => {
  const secret = value.trim();
  if (isPlaceholder(secret)) return SECRET_REASONS.placeholder;
  if (Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BITS / 8) return SECRET_REASONS.short;
  // Base64 padding carries nothing.
  const chars = [...secret.replace(/=+$/, '')].slice(0, MAX_ANALYSED);
  if (new Set(chars).size < MIN_DISTINCT || isPeriodic(chars)) return SECRET_REASONS.repetitive;
  if (phraseBits(chars) < MIN_SECRET_BITS) return SECRET_REASONS.predictable;
  return undefined;
};

// Longer values are judged on their first characters (a pass there is a pass for the whole).
const MAX_ANALYSED = 512;
const MIN_DISTINCT = 8;

// ---- placeholders -------------------------------------------------------------------------

// Words that placeholder secrets are made of (README, compose and .env examples, tutorials);
// a value made only of these and digits is a placeholder, however long.
const PLACEHOLDER_WORDS = `
  change changeme changeit replace replaceme me it your my our the this that is to in for of
  here there set put use not do dont never please must should be with and or a an
  secret secrets key keys token tokens jwt jws hmac hs256 signing sign signature auth access
  refresh session metrics api nexus app application service server
  example sample demo default placeholder dummy fake mock test tests testing e2e unit bench
  dev development local localhost prod production staging stage qa insecure unsafe
  password passwd pass passphrase pwd admin root user super supersecret topsecret top
  very really long longer strong random string value some enough
  todo fixme xxx foo bar baz qux generate generated openssl rand hex base64
`.trim().split(/\s+/);

const PLACEHOLDER_SET = new Set(PLACEHOLDER_WORDS);
const LONGEST_PLACEHOLDER = Math.max(...PLACEHOLDER_WORDS.map((w) => w.length));

/** Letters and digits only, lower-cased, segmented into placeholder words and digit runs. */
const isPlaceholder = (value: string): boolean => {
  const s = value.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (!/[a-z]/.test(s)) return false;
  const reachable = new Array<boolean>(s.length + 1).fill(false);
  reachable[0] = true;
  for (let i = 0; i < s.length; i += 1) {
    if (!reachable[i]) continue;
    let j = i;
    while (j < s.length && /[0-9]/.test(s[j]!)) reachable[(j += 1)] = true;
    for (let len = 2; len <= LONGEST_PLACEHOLDER && i + len <= s.length; len += 1) {
      if (PLACEHOLDER_SET.has(s.slice(i, i + len))) reachable[i + len] = true;
    }
  }
  return reachable[s.length]!;
};

// ---- repetition -----------------------------------------------------------------------------

/** `abcabcab`: the whole value repeats a unit at most half its length. */
const isPeriodic = (c: readonly string[]): boolean => {
  for (let p = 1; p <= c.length / 2; p += 1) {
    let periodic = true;
    for (let i = p; i < c.length && periodic; i += 1) periodic = c[i] === c[i - p];
    if (periodic) return true;
  }
  return false;
};

// ---- entropy estimate -----------------------------------------------------------------------

const WORDS = new Set([...DICEWARE, ...PLACEHOLDER_WORDS].filter((w) => /^[a-z]{3,}$/.test(w)));
const WORD_BITS = Math.log2(WORDS.size);
const LONGEST_WORD = Math.max(...[...WORDS].map((w) => w.length));
const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const ROW_OF = new Map<string, [number, number]>(KEYBOARD_ROWS.flatMap((row, r) => [...row].map((ch, i): [string, [number, number]] => [ch, [r, i]])));

interface Alphabet {
  /** How many characters the value's character set holds. */
  readonly size: number;
  /** Hex or base32/36/62/64-shaped: what a random generator prints. */
  readonly generated: boolean;
  readonly mixedCase: boolean;
}

const alphabetOf = (c: readonly string[]): Alphabet => {
  const s = c.join('');
  if (/^[0-9a-f]+$/.test(s) || /^[0-9A-F]+$/.test(s)) return { size: 16, generated: true, mixedCase: false };
  const digits = /[0-9]/.test(s);
  const lower = /[a-z]/.test(s);
  const upper = /[A-Z]/.test(s);
  const symbols = new Set(c.filter((ch) => /[ -~]/.test(ch) && !/[0-9A-Za-z]/.test(ch)));
  const base64Symbols = [...symbols].every((ch) => '-_+/'.includes(ch));
  // Outside ASCII only the characters actually used count: we cannot know the generator's set.
  const other = new Set(c.filter((ch) => !/[ -~]/.test(ch))).size;
  // Mixed case is what alphanumeric generators print, digits or not (43 base64url characters
  // lack digits one time in 1,500); letters of one case are counted as letters only.
  const size = (digits || (lower && upper) ? 10 : 0) + (lower ? 26 : 0) + (upper ? 26 : 0) + (symbols.size === 0 ? 0 : base64Symbols ? Math.max(2, symbols.size) : 33) + other;
  return { size, generated: other === 0 && base64Symbols && digits && (lower || upper), mixedCase: lower && upper };
};

/**
 * A phrase (`my dog ate the cat ...`) is judged word by word, each on its own small alphabet,
 * plus a bit for each separator: its words, not its length, are what an attacker guesses.
 */
const phraseBits = (c: readonly string[]): number => {
  const words = c.join('').split(/\s+/).filter(Boolean);
  if (words.length < 2) return estimateBits(c);
  return words.reduce((bits, word) => bits + estimateBits([...word]), words.length - 1);
};

/**
 * The cheapest description of the value, in bits: each character costs log2(alphabet) unless it
 * belongs to a pattern long enough to be one (a run, a +-1 or keyboard-row sequence, a repeat of
 * an earlier part, a dictionary word), which costs only what it takes to name the pattern.
 */
const estimateBits = (c: readonly string[]): number => {
  const n = c.length;
  const alphabet = alphabetOf(c);
  const charBits = Math.log2(Math.max(alphabet.size, 2));
  // How unlikely (2^-evidence) a pattern must be in random data of this shape before it counts.
  const evidence = alphabet.generated ? 20 : 7;
  const log2n = Math.log2(Math.max(n, 2));
  const minRun = Math.max(3, Math.floor((evidence + log2n) / charBits) + 2);
  const minSequence = Math.max(3, Math.floor((evidence + log2n + 2) / charBits) + 2);
  const minRepeat = Math.max(3, Math.floor((evidence + 2 * log2n - 1) / charBits) + 1);
  // A word counts in three spellings (lower, UPPER, Capitalised), so naming one costs log2(3) more.
  const wordBits = WORD_BITS + (alphabet.mixedCase ? Math.log2(3) : 0);
  const minWord = Math.max(4, Math.floor((evidence + log2n + wordBits) / charBits) + 1);
  const folded = c.map((ch) => ch.toLowerCase());

  const best = new Array<number>(n + 1).fill(Number.POSITIVE_INFINITY);
  best[0] = 0;
  const relax = (to: number, bits: number): void => {
    if (bits < best[to]!) best[to] = bits;
  };
  for (let i = 0; i < n; i += 1) {
    const here = best[i]!;
    relax(i + 1, here + charBits);
    const run = runLength(c, i, (a, b) => a === b);
    for (let len = minRun; len <= run; len += 1) relax(i + len, here + charBits + Math.log2(len));
    const sequence = Math.max(
      runLength(c, i, (a, b) => b.codePointAt(0)! - a.codePointAt(0)! === 1),
      runLength(c, i, (a, b) => b.codePointAt(0)! - a.codePointAt(0)! === -1),
      runLength(folded, i, (a, b) => keyboardStep(a, b) === 1),
      runLength(folded, i, (a, b) => keyboardStep(a, b) === -1),
    );
    for (let len = minSequence; len <= sequence; len += 1) relax(i + len, here + charBits + 2 + Math.log2(len));
    const repeat = longestEarlierRepeat(c, i);
    for (let len = minRepeat; len <= repeat; len += 1) relax(i + len, here + Math.log2(i) + Math.log2(len));
    for (let len = minWord; len <= LONGEST_WORD && i + len <= n; len += 1) {
      if (isWord(c.slice(i, i + len).join(''))) relax(i + len, here + wordBits);
    }
  }
  return best[n]!;
};

const isWord = (s: string): boolean => WORDS.has(s.toLowerCase()) && (/^[a-z]+$/.test(s) || /^[A-Z][a-z]*$/.test(s) || /^[A-Z]+$/.test(s));

/** How many characters from `i` on continue `step` (1 when none does). */
const runLength = (c: readonly string[], i: number, step: (a: string, b: string) => boolean): number => {
  let j = i + 1;
  while (j < c.length && step(c[j - 1]!, c[j]!)) j += 1;
  return j - i;
};

const keyboardStep = (a: string, b: string): number | undefined => {
  const [ra, ia] = ROW_OF.get(a) ?? [];
  const [rb, ib] = ROW_OF.get(b) ?? [];
  return ra === undefined || ra !== rb ? undefined : ib! - ia!;
};

/** The longest prefix of c[i..] that also appears, whole, before i. */
const longestEarlierRepeat = (c: readonly string[], i: number): number => {
  let longest = 0;
  for (let k = 0; k < i; k += 1) {
    let len = 0;
    while (k + len < i && i + len < c.length && c[k + len] === c[i + len]) len += 1;
    if (len > longest) longest = len;
  }
  return longest;
};
