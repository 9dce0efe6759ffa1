/** Error codes a request can come back with. The renderer shows `message`; `code` is for logic. */
/** locked: the data folder is locked (no key held); unlock first. */
/** forbidden: refused by a governance rule (no operator chosen, no consent for this), with the reason in words. */
export const ERROR_CODES = ['invalid_input', 'not_found', 'conflict', 'forbidden', 'unknown_method', 'unavailable', 'internal', 'locked'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  /** Field-level problems for invalid_input: path and message. */
  issues?: { path: string; message: string }[];
}

/** Thrown by core handlers for expected failures; turned into an error reply by the dispatcher. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly issues?: { path: string; message: string }[];
  constructor(code: ErrorCode, message: string, issues?: { path: string; message: string }[]) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.issues = issues;
  }
  toBody(): ApiErrorBody {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };
