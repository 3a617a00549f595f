/**
 * Which headline tiles live events moved: compares each new reading of the metrics with the one
 * before (same scope and range only), keeps the moved tiles marked for {@link MARK_MS}, and says
 * what they show now for the polite live region.
 */
import { useEffect, useRef, useState } from 'react';
import type { MetricsResponse } from '../../common/api';
import { changedTiles, describeTileChanges, tileFigures, type FiguresOf, type TileId } from '../lib/tile-changes';

/** How long a moved tile stays marked. */
export const MARK_MS = 6000;

export interface ChangedTiles {
  changed: ReadonlySet<TileId>;
  announcement: string;
}

/** `url`: what the metrics were read from; a new one (another scope or range) is no change. `figuresOf`: what the page shows of them. */
export function useChangedTiles(url: string, metrics: MetricsResponse | null, figuresOf: FiguresOf = tileFigures): ChangedTiles {
  const last = useRef<{ url: string; metrics: MetricsResponse } | null>(null);
  const [state, setState] = useState<ChangedTiles>({ changed: new Set(), announcement: '' });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    if (!metrics) return;
    const before = last.current;
    last.current = { url, metrics };
    if (!before || before.url !== url || before.metrics === metrics) return;
    const moved = changedTiles(before.metrics, metrics, figuresOf);
    if (moved.length === 0) return;
    setState({ changed: new Set(moved.map((t) => t.id)), announcement: describeTileChanges(moved) });
    clearTimeout(timer.current);
    timer.current = setTimeout(() => setState((s) => ({ changed: new Set(), announcement: s.announcement })), MARK_MS);
  }, [url, metrics, figuresOf]);
  return state;
}
