/**
 * The picked files of queued imports, held by the page while they are being sent to the core (a page cannot
 * hand over a path, so each clip is sent in chunks). Kept at module level, so leaving the Sessions view does
 * not stop the sending. After a restart or a reload the page no longer has the files: those items wait, and
 * picking the same files (or folder) again continues them, matched by their path in the folder and size.
 */
import { type ClipSource } from '../../../src-shared/client/upload-clip.js';
import { uploadBatchFiles } from '../../../src-shared/client/upload-batch.js';
import type { BatchItemView } from '../../../src-shared/contract/batch.js';
import { isImportableName } from '../../../src-shared/media-types.js';
import { api } from '../api/client.js';
import { errorMessage } from '../ui/errors.js';

export interface PickedClip {
  /** The path inside the picked folder ("day 2/clip.avi"), or the file's name. */
  label: string;
  file: File;
}

/** Clips among picked files (a folder holds notes, thumbnails …), and how many others were left out. */
export function clipsOf(files: Iterable<File>): { clips: PickedClip[]; skipped: number } {
  const clips: PickedClip[] = [];
  let skipped = 0;
  for (const file of files) {
    const label = (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
    if (isImportableName(file.name)) clips.push({ label, file });
    else skipped++;
  }
  clips.sort((a, b) => a.label.localeCompare(b.label, undefined, { numeric: true }));
  return { clips, skipped };
}

function source(file: File): ClipSource {
  return { name: file.name, size: file.size, read: async (offset, length) => new Uint8Array(await file.slice(offset, offset + length).arrayBuffer()) };
}

class QueueFiles {
  /** Bytes sent per item, while sending. */
  sent = $state<Record<number, number>>({});
  /** Why an item's file could not be sent. */
  errors = $state<Record<number, string>>({});
  sending = $state(false);
  private pending: Array<{ items: BatchItemView[]; files: Map<string, ClipSource> }> = [];

  /** Sends the files of these waiting items, one after another, behind anything already being sent. */
  send(items: readonly BatchItemView[], clips: readonly PickedClip[]): void {
    this.pending.push({ items: [...items], files: new Map(clips.map((c) => [c.label, source(c.file)])) });
    if (!this.sending) void this.drain();
  }

  private async drain(): Promise<void> {
    this.sending = true;
    try {
      for (let job = this.pending.shift(); job; job = this.pending.shift()) {
        await uploadBatchFiles(api.call.bind(api), job.items, job.files, {
          onProgress: (id, sent) => (this.sent[id] = sent),
          onError: (id, message) => (this.errors[id] = message),
        }).catch((e: unknown) => {
          for (const it of job!.items) this.errors[it.id] ??= errorMessage(e);
        });
      }
    } finally {
      this.sending = false;
    }
  }
}

export const queueFiles = new QueueFiles();
