/** Errors of the CDEvents envelope. */
import type { FieldIssue } from '../../common/validate-events';

/** A problem with one field of what the sender wrote, named as they wrote it. */
export class FieldError extends Error {
  readonly details: FieldIssue[];
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'FieldError';
    this.details = [{ path, message }];
  }
}
