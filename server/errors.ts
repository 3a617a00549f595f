/** The one error shape of DESIGN.md and the middleware that answers with it. */
import type { ErrorRequestHandler } from 'express';
import { IngestValidationError, type FieldIssue } from '../db/ingest';

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details: FieldIssue[] = []) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface ErrorBody { error: { code: string; message: string; details: FieldIssue[] } }

export function errorBody(code: string, message: string, details: FieldIssue[] = []): ErrorBody {
  return { error: { code, message, details } };
}

/** Turns anything thrown in a route into the error shape; never leaks internals on a 500. */
export function errorMiddleware(log: (msg: string, err: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof HttpError) {
      res.status(err.status).json(errorBody(err.code, err.message, err.details));
    } else if (err instanceof IngestValidationError) {
      res.status(400).json(errorBody('invalid_event', err.message, err.details));
    } else if (err?.type === 'entity.too.large') {
      res.status(413).json(errorBody('too_large', `The body is larger than the limit of ${err.limit} bytes: send the events in smaller batches.`));
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
