/** The one error shape of DESIGN.md and the middleware that answers with it. */
import type { ErrorRequestHandler } from 'express';
import { IngestValidationError, type FieldIssue } from '../common/validate-events';
import { faultKind, faultMessage, isDatabaseUnavailable, RETRY_AFTER_SECONDS, type DatabaseFaultKind, type Store } from '../db/store';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface ErrorBody {
  error: { code: string; message: string; details: FieldIssue[] };
}

export function errorBody(code: string, message: string, details: FieldIssue[] = []): ErrorBody {
  return { error: { code, message, details } };
}

/**
 * A full disk (507) or a damaged database file (503), as the API answers them: the message says
 * what to do, and nothing of the request was stored.
 */
export class DatabaseFaultError extends HttpError {
  constructor(
    readonly kind: DatabaseFaultKind,
    sqlite: string,
  ) {
    super(kind === 'disk_full' ? 507 : 503, kind === 'disk_full' ? 'disk_full' : 'database_damaged', faultMessage(kind, sqlite));
    this.name = 'DatabaseFaultError';
  }
}

/** `e` as a {@link DatabaseFaultError} when it is a full disk or a damaged file, remembered for `GET /api/v1/health`; otherwise `e`. */
async function asDatabaseFault<T>(e: T, store: Pick<Store, 'noteError'> | undefined): Promise<T | DatabaseFaultError> {
  const kind = store ? await store.noteError(e) : faultKind(e);
  return kind ? new DatabaseFaultError(kind, (e as Error).message) : e;
}

/** What a client is told while the database cannot be reached. */
export const UNAVAILABLE_MESSAGE =
  `The database cannot be reached for now (it may be restarting): this request may not have been stored. ` +
  `Send it again after ${RETRY_AFTER_SECONDS} seconds (Retry-After); events sent again are stored once.`;

/**
 * Turns anything thrown in a route into the error shape; never leaks internals on a 500. With
 * the store, a full disk or a damaged file is remembered for `GET /api/v1/health`.
 */
export function errorMiddleware(log: (msg: string, err: unknown) => void, store?: Pick<Store, 'noteError'>): ErrorRequestHandler {
  return async (thrown, _req, res, _next) => {
    const err = await asDatabaseFault(thrown, store).catch(() => thrown);
    if (err instanceof DatabaseFaultError) log(`database: refused a request, ${err.code}: ${(thrown as Error).message}`, undefined);
    if (err instanceof HttpError) {
      res.status(err.status).json(errorBody(err.code, err.message, err.details));
    } else if (err instanceof IngestValidationError) {
      res.status(400).json(errorBody('invalid_event', err.message, err.details));
    } else if (isDatabaseUnavailable(err)) {
      // A restarting database: the client sends again later (a batch sent again is stored once); the pool reconnects by itself.
      log(`database: unavailable, answered 503: ${(err as Error).message}`, undefined);
      res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      res.status(503).json(errorBody('database_unavailable', UNAVAILABLE_MESSAGE));
    } else if (err?.type === 'entity.too.large') {
      res
        .status(413)
        .json(errorBody('too_large', `The body is larger than the limit of ${err.limit} bytes: send the events in smaller batches.`));
    } else if (err?.type === 'entity.parse.failed' || err instanceof SyntaxError) {
      res.status(400).json(errorBody('malformed_json', `The body is not valid JSON: ${String(err.message).slice(0, 200)}`));
    } else if (err?.type === 'charset.unsupported' || err?.type === 'encoding.unsupported') {
      res.status(415).json(errorBody('unsupported_encoding', 'Send the body as UTF-8.'));
    } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
      res.status(err.status).json(errorBody('bad_request', String(err.message ?? 'Bad request')));
    } else {
      log('unhandled error', err);
      res.status(500).json(errorBody('internal', 'Something went wrong on the server; the error is in its log.'));
    }
  };
}
