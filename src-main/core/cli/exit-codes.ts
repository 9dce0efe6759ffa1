/** Exit codes of `affect`, as listed in its usage text and the README. */
export const EXIT = {
  ok: 0,
  /** At least one clip or session failed; the others were done and reported. */
  failed: 1,
  usage: 2,
  /** The data folder is in use by another Affect Studio or cannot be opened. */
  dataFolder: 3,
  /** Interrupted (Ctrl-C / SIGTERM): the running analysis was marked incomplete and can be resumed. */
  interrupted: 130,
} as const;

export class UsageError extends Error {}
