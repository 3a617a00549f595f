/**
 * Several instances on one database (issue 23): the figures a dashboard reads, fetched from one
 * instance, to compare with another's; and a real socket.io client of an instance in a room.
 */
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../common/api';

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The window every figure below is read for (the scenario's month, and around it). */
export const FIGURE_WINDOW = 'from=2026-02-01T00:00:00Z&to=2026-04-01T00:00:00Z';

/** The reads compared: the summary, then the metrics and weekly series of each scope. */
export function figurePaths(scopes: readonly string[]): string[] {
  return [
    `/api/v1/summary?${FIGURE_WINDOW}`,
    ...scopes.flatMap((s) => [
      `/api/v1/metrics?scope=${encodeURIComponent(s)}&${FIGURE_WINDOW}`,
      `/api/v1/metrics/series?scope=${encodeURIComponent(s)}&${FIGURE_WINDOW}&bucket=week`,
    ]),
  ];
}

/** Every figure of `paths` from the instance at `url`, by path. */
export async function figuresOf(url: string, paths: readonly string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const p of paths) {
    const r = await fetch(`${url}${p}`);
    if (r.status !== 200) throw new Error(`GET ${p} on ${url}: ${r.status} ${await r.text()}`);
    out[p] = await r.json();
  }
  return out;
}

/**
 * The figures at `paths` from instance `a`, and from `b` once they agree (a notice is heard a
 * moment after the commit; up to 5 s): both, for the test to compare.
 */
export async function figuresOnBoth(
  a: string,
  b: string,
  paths: readonly string[],
): Promise<{ fromA: Record<string, unknown>; fromB: Record<string, unknown> }> {
  const fromA = await figuresOf(a, paths);
  let fromB = await figuresOf(b, paths);
  for (let i = 0; i < 50 && JSON.stringify(fromB) !== JSON.stringify(fromA); i++) {
    await new Promise((r) => setTimeout(r, 100));
    fromB = await figuresOf(b, paths);
  }
  return { fromA, fromB };
}

/** A socket.io client of the instance at `url` (WebSocket), in the room of `scope`. */
export async function joinRoom(url: string, scope: string): Promise<LiveClient> {
  const c: LiveClient = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    c.on('connect', () => resolve());
    c.on('connect_error', reject);
  });
  const ack = await new Promise<{ ok: boolean; error?: string }>((resolve) => c.emit('scope:join', scope, resolve));
  if (!ack.ok) throw new Error(`joining ${scope} on ${url} was refused: ${ack.error}`);
  return c;
}

/** POSTs events to an instance; their answer, or a thrown error naming the status. */
export async function postEvents(url: string, events: unknown): Promise<{ accepted: number; updated: number; unchanged: number }> {
  const r = await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(events),
  });
  if (r.status !== 200) throw new Error(`POST /api/v1/events on ${url}: ${r.status} ${await r.text()}`);
  return (await r.json()) as { accepted: number; updated: number; unchanged: number };
}
