/**
 * A file descriptor read by concurrent positional reads (a player asks for several byte ranges at once).
 * close() waits until no read is in flight: closing under a read would let the number be reused by another
 * open file, and the read would then return that file's bytes.
 */
import { close, read } from 'node:fs';
import { promisify } from 'node:util';

const pRead = promisify(read);
const pClose = promisify(close);

export class FileClosedError extends Error {}

export class SharedFd {
  private inFlight = 0;
  private closing = false;
  private closed: Promise<void> | null = null;
  private release: (() => void) | null = null;

  constructor(readonly fd: number) {}

  /**
   * Exactly `length` bytes from `position`; `short` is thrown (as an Error) when the file ends first. With `into`
   * (at least `length` bytes), the bytes land there and a view of it is returned: a caller reading batch after
   * batch reuses one buffer instead of leaving one per batch to the garbage collector.
   */
  async read(length: number, position: number, short: () => Error, into?: Buffer): Promise<Buffer> {
    if (this.closing) throw new FileClosedError('The file was closed');
    if (into && into.length < length) throw new RangeError(`A ${into.length}-byte buffer cannot take ${length} bytes`);
    this.inFlight++;
    try {
      const buf = into ? into.subarray(0, length) : Buffer.allocUnsafe(length);
      let off = 0;
      while (off < length) {
        const { bytesRead } = await pRead(this.fd, buf, off, length - off, position + off);
        if (bytesRead === 0) throw short();
        off += bytesRead;
      }
      return buf;
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.release?.();
    }
  }

  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.closing = true;
    const idle = this.inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => (this.release = r));
    this.closed = idle.then(() => pClose(this.fd));
    return this.closed;
  }
}
