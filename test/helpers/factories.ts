/** Event factories with overridable defaults. */
import type { NativeEventInput } from '../../common/events';

type Of<T extends NativeEventInput['type']> = Extract<NativeEventInput, { type: T }>;
type Overrides<T extends NativeEventInput['type']> = Partial<Omit<Of<T>, 'type'>>;

let n = 0;
const nextId = (p: string) => `${p}-${++n}`;

export const deployment = (o: Overrides<'deployment'> = {}): Of<'deployment'> => ({
  type: 'deployment',
  id: nextId('deploy'),
  service: 'acme/app',
  environment: 'production',
  status: 'success',
  finishedAt: '2026-03-04T00:00:00Z',
  ...o,
});

export const change = (o: Overrides<'change'> & { sha: string }): Of<'change'> => ({
  type: 'change',
  service: 'acme/app',
  committedAt: '2026-03-01T00:00:00Z',
  ...o,
});

export const incident = (o: Overrides<'incident'> = {}): Of<'incident'> => ({
  type: 'incident',
  id: nextId('incident'),
  service: 'acme/app',
  openedAt: '2026-03-04T00:00:00Z',
  ...o,
});

export const ciRun = (o: Overrides<'ci_run'> = {}): Of<'ci_run'> => ({
  type: 'ci_run',
  id: nextId('run'),
  service: 'acme/app',
  name: 'build',
  status: 'success',
  startedAt: '2026-03-03T19:00:00Z',
  finishedAt: '2026-03-03T20:00:00Z',
  ...o,
});

/** A deterministic 40-hex sha from a short name, so scenarios read as c1, c2, … */
export const sha = (name: string): string => {
  let h = 0x811c9dc5;
  for (const ch of name) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return (h.toString(16).padStart(8, '0') + Buffer.from(name).toString('hex')).padEnd(40, '0').slice(0, 40);
};

/** Fisher–Yates with a seeded generator (mulberry32), for order-independence tests. */
export function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
