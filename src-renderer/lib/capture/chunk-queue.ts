/** What the queue needs from a recorder chunk: a Blob satisfies it. */
export interface ChunkSource {
  readonly size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Delivers one chunk to the recording sink; rejects when the sink could not write it. */
export type ChunkSender = (seq: number, data: Uint8Array<ArrayBuffer>) => Promise<unknown>;

/**
 * Sends recorder chunks to the sink one at a time, in the order they were produced, numbered 0, 1, 2...
 * The sink refuses gaps, so after the first failed send nothing more is sent: the file on disk stays a
 * clean prefix of the recording and the failure is reported once.
 */
export class ChunkQueue {
  private tail: Promise<void> = Promise.resolve();
  private nextSeq = 0;
  private failure: Error | null = null;

  constructor(
    private readonly send: ChunkSender,
    private readonly onFailure: (error: Error) => void,
  ) {}

  /** Chunks sent and acknowledged so far. */
  get sent(): number {
    return this.nextSeq;
  }

  get failed(): Error | null {
    return this.failure;
  }

  push(chunk: ChunkSource): void {
    // MediaRecorder can emit empty blobs (e.g. a timeslice with no new frames); they carry nothing to write.
    if (this.failure || chunk.size === 0) return;
    this.tail = this.tail
      .then(async () => {
        if (this.failure) return;
        const data = new Uint8Array(await chunk.arrayBuffer());
        await this.send(this.nextSeq, data);
        this.nextSeq++;
      })
      .catch((e: unknown) => {
        if (this.failure) return;
        this.failure = e instanceof Error ? e : new Error(String(e));
        this.onFailure(this.failure);
      });
  }

  /** Resolves when every pushed chunk has been sent; rejects with the first failure. */
  async drain(): Promise<void> {
    await this.tail;
    if (this.failure) throw this.failure;
  }
}
