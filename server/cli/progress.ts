/**
 * A small plain-text progress bar for long CLI commands, on stderr so stdout stays data. On a
 * terminal it redraws one line; without one (CI logs, pipes) it prints a line at every tenth
 * of the way, or every 5 seconds when the total is unknown.
 */

/** Where the bar is written: stderr, or a fake in tests. */
export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

/** A running bar. */
export interface Progress {
  /** `done` units of `total` (when known) are done. */
  update(done: number, total?: number): void;
  /** Ends the bar with a summary line. */
  finish(summary: string): void;
}

/** What the bar counts and where it writes. */
export interface ProgressOptions {
  label: string;
  /** What is counted, such as "events". */
  unit: string;
  stream?: ProgressStream;
  /** Injected for tests; defaults to Date.now. */
  now?: () => number;
  width?: number;
}

const fmt = (n: number) => n.toLocaleString('en-GB');

/** The bar itself: `[########------------]  40%  400/1,000 events`. */
export function renderBar(done: number, total: number | undefined, unit: string, width = 24): string {
  if (!total) return `${fmt(done)} ${unit}`;
  const share = Math.min(1, Math.max(0, done / total));
  const filled = Math.round(share * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(share * 100)).padStart(3)}%  ${fmt(done)}/${fmt(total)} ${unit}`;
}

/** A bar that redraws on a terminal and prints plain lines elsewhere. */
export function createProgress(o: ProgressOptions): Progress {
  const stream = o.stream ?? process.stderr;
  const now = o.now ?? Date.now;
  const tty = Boolean(stream.isTTY);
  let lastDraw = -Infinity;
  let lastTenth = -1;
  let drawn = false;
  return {
    update(done, total) {
      const t = now();
      if (tty) {
        if (t - lastDraw < 100 && done !== total) return;
        lastDraw = t;
        drawn = true;
        stream.write(`\r${o.label} ${renderBar(done, total, o.unit, o.width)}\x1b[K`);
        return;
      }
      if (total) {
        const tenth = Math.floor((done / total) * 10);
        if (tenth <= lastTenth) return;
        lastTenth = tenth;
      } else if (t - lastDraw < 5000) {
        return;
      }
      lastDraw = t;
      stream.write(`${o.label} ${renderBar(done, total, o.unit, o.width)}\n`);
    },
    finish(summary) {
      stream.write(`${tty && drawn ? '\r\x1b[K' : ''}${summary}\n`);
    },
  };
}
