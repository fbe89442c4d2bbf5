/**
 * Freezes a value and everything it holds, for a cached value every reader shares (the first
 * level's copies, the in-memory cache's entries): no reader can change what another reads.
 */
export const deepFreeze = <T>(value: T): T => {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
};
