import path from 'node:path';
import type { ImportOutcomeView } from '../../../src-shared/contract/analysis.js';
import type { CoreServices } from '../core-services.js';
import type { ImportOutcome } from '../media/import-media.js';
import type { CallContext, Handlers } from '../rpc/dispatch.js';
import { playbackMedia } from '../media/media-roles.js';
import { PlayableCopyError } from '../media/playable-copy.js';
import { waveform } from '../media/waveform.js';
import { note, notesEnglish } from '../../../src-shared/i18n/notes.js';
import { sessionFolder } from '../recording/session-folder.js';

/** Audits a playable copy by ids only: which file it was made from, and whether the original was kept. */
function auditCopy(s: CoreServices, ctx: CallContext) {
  return (copy: { id: number; sessionId: number }, original: { id: number }) =>
    s.audit.write(ctx, { action: 'media.convert', sessionId: copy.sessionId, object: 'media_file', objectId: copy.id, detail: { from: original.id, originalKept: s.media.keepOriginals() } });
}

/**
 * A clip just imported, made playable: a clip the app cannot play gets its copy now (progress as events), so
 * every way in (Review, the command line) leaves a session Review can play. A copy that cannot be made is a
 * warning, not a failed import: the clip is stored and can still be analysed.
 */
export async function withPlayableCopy(s: CoreServices, ctx: CallContext, outcome: ImportOutcome): Promise<ImportOutcomeView> {
  if (!outcome.ok) return outcome;
  try {
    const made = await s.media.makePlayable(outcome.media.sessionId, outcome.media.id, { onCopied: auditCopy(s, ctx) });
    if (!made.copied) return outcome;
    const copy = { media: made.media, reason: made.reason ?? '', ...(made.reasonNote ? { reasonNote: made.reasonNote } : {}) };
    return { ...outcome, media: made.originalRemoved ? made.media : outcome.media, playableCopy: copy };
  } catch (e) {
    const detail = e instanceof PlayableCopyError ? e.detail : e instanceof Error ? e.message : String(e);
    const warningNotes = [...(outcome.warningNotes ?? []), note('corpus.check.copyFailed', { name: outcome.fileName, detail })];
    return { ...outcome, warning: notesEnglish(warningNotes) ?? undefined, warningNotes };
  }
}

export function mediaHandlers(s: CoreServices): Pick<Handlers, 'media.makePlayable' | 'media.waveform'> {
  return {
    'media.makePlayable': async ({ sessionId, mediaFileId }, ctx) => {
      s.operatorSessions.require(ctx);
      const made = await s.media.makePlayable(sessionId, mediaFileId, { onCopied: auditCopy(s, ctx) });
      if (made.copied) s.events.emit('session.changed', s.sessions.get(sessionId));
      return made;
    },
    'media.waveform': async ({ sessionId, buckets }) => {
      const media = playbackMedia(s.sessions.get(sessionId).media);
      if (!media?.hasAudio) return null;
      return waveform(path.join(sessionFolder(s.dataDir, sessionId), media.fileName), buckets);
    },
  };
}
