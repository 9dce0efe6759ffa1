/**
 * Undo/redo as a command stack. A command knows how to do and undo itself (for labels: apply a changeset
 * and apply its inverse, each saved at once). A new command clears the redo list, as in every editor.
 * When running a command fails (e.g. the save is refused), it stays where it was, so the stacks always
 * describe what is actually stored.
 */
export interface Command {
  /** Shown as "Undo <description>". */
  readonly description: string;
  run(): Promise<void>;
  revert(): Promise<void>;
}

export class UndoStack<C extends Command = Command> {
  private done: C[] = [];
  private undone: C[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly limit = 500) {}

  get canUndo(): boolean {
    return this.done.length > 0;
  }
  get canRedo(): boolean {
    return this.undone.length > 0;
  }
  get nextUndo(): C | undefined {
    return this.done[this.done.length - 1];
  }
  get nextRedo(): C | undefined {
    return this.undone[this.undone.length - 1];
  }

  /** Runs a new command and records it; the redo list is dropped. */
  async execute(cmd: C): Promise<void> {
    await this.exclusive(async () => {
      await cmd.run();
      this.done.push(cmd);
      if (this.done.length > this.limit) this.done.shift();
      this.undone = [];
    });
  }

  /** Reverts the last command; returns it, or undefined when there is nothing to undo. */
  async undo(): Promise<C | undefined> {
    return this.exclusive(async () => {
      const cmd = this.done[this.done.length - 1];
      if (!cmd) return undefined;
      await cmd.revert();
      this.done.pop();
      this.undone.push(cmd);
      return cmd;
    });
  }

  /** Runs the last undone command again; returns it, or undefined when there is nothing to redo. */
  async redo(): Promise<C | undefined> {
    return this.exclusive(async () => {
      const cmd = this.undone[this.undone.length - 1];
      if (!cmd) return undefined;
      await cmd.run();
      this.undone.pop();
      this.done.push(cmd);
      return cmd;
    });
  }

  clear(): void {
    this.done = [];
    this.undone = [];
  }

  /**
   * Commands run one at a time, in the order asked: three quick Ctrl+Z revert three steps, never the same
   * step twice. A failed step does not stop the ones queued after it.
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
