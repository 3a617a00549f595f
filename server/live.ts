/**
 * Live pushes over socket.io. Clients join one room per scope; after an ingest batch has
 * committed, the hub tells every affected room what arrived and which figures moved, at most
 * one `metrics:changed` per room per 250 ms.
 */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../common/api';
import { cookieValue, SESSION_COOKIE, type Authenticator, type Presented } from './auth';
import { checkToken } from './rate-limit';
import type { Organisation } from './org';
import { defaultLimits, type Limits } from './config';
import { parseScope, type Scope } from './scope';

export const COALESCE_MS = 250;

export interface LiveHub {
  io: Server<ClientToServerEvents, ServerToClientEvents>;
  /** Call only after the batch's transaction has committed. */
  ingested(at: number, counts: { type: string; service: string; n: number }[], scopes: string[]): void;
  close(): Promise<void>;
}

/**
 * What scope:join checks a scope against: the organisation it must exist in, and how many rooms
 * one connection may be in (`limits.roomsPerSocket`). Without it only the room limit's default holds.
 */
export interface LiveRooms {
  org: Pick<Organisation, 'resolve'>;
  limits: Pick<Limits, 'roomsPerSocket'>;
  /** How often open connections are checked again against the sessions and users now (default {@link RECHECK_MS}). */
  recheckMs?: number;
}

/** Open connections are checked again this often: a session that was signed out, revoked or no longer matches the configuration loses its live updates. */
export const RECHECK_MS = 30_000;

export function createLiveHub(http: HttpServer, auth: Authenticator, rooms?: LiveRooms): LiveHub {
  const door = auth.door;
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(http, {
    serveClient: false,
    cors: { origin: false },
    // Every request of the handshake, polling or WebSocket upgrade: this server's own host and origin only (DNS rebinding, cross-site pages).
    allowRequest: (req, callback) => {
      if (!door.hostAllowed(door.host(req))) return callback('host not allowed: set server.publicUrl or server.allowedHosts', false);
      if (door.foreignOrigin(req) !== null) return callback("origin not allowed: live updates are for this server's own pages", false);
      callback(null, true);
    },
  });
  io.use((socket, next) => {
    const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : undefined;
    const sessionId = cookieValue(socket.handshake.headers.cookie, SESSION_COOKIE);
    // Wrong tokens count against the client's address, as over HTTP (in the store: every instance sees the lock).
    const refusal = token ? checkToken(auth.signIn, door.clientAddress(socket.request), () => auth.rolesOf(token).length > 0) : null;
    const presented = { token, sessionId, local: door.local(socket.request) };
    // A session is looked up in the store: the answer comes by `next`, never a rejection.
    Promise.resolve(refusal)
      .then(async (refused) => {
        if (refused)
          return next(Object.assign(new Error(`too many attempts: ${refused.message}`), { data: { retryAfter: refused.retryAfter } }));
        if (!(await auth.allows('viewer', presented))) return next(new Error('unauthorized: this needs a token with the "viewer" role'));
        socket.data.presented = presented;
        next();
      })
      .catch((e: Error) => next(e));
  });
  io.on('connection', (socket) => {
    // Only a scope that exists (a service under the name it is stored with), and at most
    // limits.roomsPerSocket of them per connection.
    const known = async (scope: unknown): Promise<Scope> => {
      const s = parseScope(scope);
      return rooms ? (await rooms.org.resolve(s)).scope : s;
    };
    const maxRooms = rooms?.limits.roomsPerSocket ?? defaultLimits.roomsPerSocket;
    // Resolving the scope may wait for the store; the answer comes by the ack, never a rejection.
    const join = async (scope: unknown, ack?: (r: { ok: boolean; error?: string }) => void) => {
      try {
        const room = `scope:${(await known(scope)).key}`;
        // socket.rooms holds the connection's own room too.
        if (!socket.rooms.has(room) && socket.rooms.size - 1 >= maxRooms) {
          ack?.({
            ok: false,
            error: `This connection is in ${maxRooms} scopes already (limits.roomsPerSocket): leave one (scope:leave) before joining another.`,
          });
          return;
        }
        void socket.join(room);
        ack?.({ ok: true });
      } catch (e) {
        ack?.({ ok: false, error: (e as Error).message });
      }
    };
    socket.on('scope:join', (scope, ack) => {
      void join(scope, ack);
    });
    socket.on('scope:leave', (scope) => {
      void socket.leave(`scope:${scope}`);
      void known(scope).then(
        (s) => socket.leave(`scope:${s.key}`),
        () => {
          /* not a scope: it was never joined */
        },
      );
    });
  });

  // Per room: when it was last told, and what is waiting to be told.
  const last = new Map<string, number>();
  const pending = new Map<string, { scopes: Set<string>; timer: NodeJS.Timeout }>();
  const flush = (room: string, scopes: string[]) => {
    last.set(room, Date.now());
    io.to(room).emit('metrics:changed', { scopes, at: new Date().toISOString() });
  };

  // A connection lives longer than the session it was opened with: check it again now and then.
  const recheck = setInterval(() => {
    for (const socket of io.of('/').sockets.values()) {
      const presented = socket.data.presented as Presented | undefined;
      if (presented?.sessionId)
        void auth.allows('viewer', presented).then(
          (ok) => {
            if (!ok) socket.disconnect(true);
          },
          () => {
            /* asked again at the next check */
          },
        );
    }
  }, rooms?.recheckMs ?? RECHECK_MS);
  recheck.unref();

  return {
    io,
    ingested(at, counts, scopes) {
      const rooms = scopes.map((s) => `scope:${s}`);
      if (counts.length > 0) io.to(rooms).emit('events:ingested', { at: new Date(at).toISOString(), counts });
      for (const room of rooms) {
        const waiting = pending.get(room);
        if (waiting) {
          for (const s of scopes) waiting.scopes.add(s);
          continue;
        }
        const since = Date.now() - (last.get(room) ?? 0);
        if (since >= COALESCE_MS) {
          flush(room, scopes);
          continue;
        }
        const entry = {
          scopes: new Set(scopes),
          timer: setTimeout(() => {
            pending.delete(room);
            flush(room, [...entry.scopes]);
          }, COALESCE_MS - since),
        };
        pending.set(room, entry);
      }
    },
    async close() {
      clearInterval(recheck);
      for (const p of pending.values()) clearTimeout(p.timer);
      pending.clear();
      await new Promise<void>((resolve) => {
        void io.close(() => resolve());
      });
    },
  };
}
