/** A fixed-window counter of failures per key (client address), for sign-in attempts. */
export interface FailureLimiter {
  /** Seconds until the key may try again, or 0 when it may now. */
  blockedFor(key: string): number;
  fail(key: string): void;
  reset(key: string): void;
}

export function createFailureLimiter(max: number, windowMs: number, now: () => number): FailureLimiter {
  const entries = new Map<string, { count: number; start: number }>();
  const current = (key: string) => {
    const e = entries.get(key);
    if (e && now() - e.start >= windowMs) { entries.delete(key); return undefined; }
    return e;
  };
  return {
    blockedFor(key) {
      const e = current(key);
      return e && e.count >= max ? Math.ceil((e.start + windowMs - now()) / 1000) : 0;
    },
    fail(key) {
      const e = current(key);
      if (e) e.count++;
      else {
        // Keep the map bounded under a flood of addresses.
        if (entries.size > 10_000) entries.clear();
        entries.set(key, { count: 1, start: now() });
      }
    },
    reset(key) { entries.delete(key); },
  };
}
