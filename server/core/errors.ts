/** Stable codes for expected failures; only `http/` maps them to status codes. */
export type DomainErrorCode =
  | 'invalid-input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'precondition-failed'
  | 'too-large'
  | 'too-many-requests'
  | 'unsupported'
  | 'failed-dependency';

/** An expected, serialisable failure raised by domain code. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly data: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const invalidInput = (message: string, data?: Record<string, unknown>): DomainError =>
  new DomainError('invalid-input', message, data);
export const notFound = (message: string, data?: Record<string, unknown>): DomainError =>
  new DomainError('not-found', message, data);
export const forbidden = (message: string, data?: Record<string, unknown>): DomainError =>
  new DomainError('forbidden', message, data);
export const conflict = (message: string, data?: Record<string, unknown>): DomainError =>
  new DomainError('conflict', message, data);
export const tooLarge = (message: string, data?: Record<string, unknown>): DomainError =>
  new DomainError('too-large', message, data);

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
