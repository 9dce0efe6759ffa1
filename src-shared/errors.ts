/** Error codes a request can come back with. The renderer shows `message`; `code` is for logic. */
/** locked: the data folder is locked (no key held); unlock first. */
/** forbidden: refused by a governance rule (no operator chosen, no consent for this), with the reason in words. */
export const ERROR_CODES = ['invalid_input', 'not_found', 'conflict', 'forbidden', 'unknown_method', 'unavailable', 'internal', 'locked'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** A message's catalogue key and values (src-shared/i18n), so each client can word it in its own language. */
export interface MessageRef {
  key: string;
  vars?: Record<string, string | number>;
}

export interface ApiErrorBody {
  code: ErrorCode;
  /** In English, for logs and for clients that do not translate. */
  message: string;
  /** Field-level problems for invalid_input: path and message. */
  issues?: { path: string; message: string }[];
  /** The message as a catalogue entry, when it is one. */
  i18n?: MessageRef;
}

/** Thrown by core handlers for expected failures; turned into an error reply by the dispatcher. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly issues?: { path: string; message: string }[];
  readonly i18n?: MessageRef;
  constructor(code: ErrorCode, message: string, issues?: { path: string; message: string }[], i18n?: MessageRef) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.issues = issues;
    this.i18n = i18n;
  }
  toBody(): ApiErrorBody {
    return { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}), ...(this.i18n ? { i18n: this.i18n } : {}) };
  }
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };
