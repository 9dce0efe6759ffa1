import { pcmFromBytes } from '../../../src-shared/contract/voice.js';
import { requireConsent } from '../governance/consent-check.js';
import type { Handlers } from '../rpc/dispatch.js';
import type { CoreServices } from '../core-services.js';

export function liveHandlers(s: CoreServices): Pick<Handlers, 'face.analyzeFrames' | 'voice.block' | 'inference.status'> {
  // Live analysis looks at the participant's face and voice: it needs consent to automated analysis, preview included.
  const mayAnalyse = (sessionId: number) => requireConsent(s.participants, s.sessions.get(sessionId).participantId, ['analysis'], 'analyse live');
  return {
    'face.analyzeFrames': ({ sessionId, frames, recordingClock }) => {
      mayAnalyse(sessionId);
      return s.live.analyzeFrames(sessionId, frames, recordingClock);
    },
    'voice.block': ({ sessionId, seq, tStartMs, pcm, recordingClock }) => {
      mayAnalyse(sessionId);
      return s.live.voiceBlock(sessionId, seq, tStartMs, pcmFromBytes(pcm), recordingClock);
    },
    'inference.status': async () => {
      const svc = await s.inference();
      // Load each task's default model so the report names the provider really used on this machine.
      for (const task of ['face-detector', 'face-emotion', 'vad', 'voice-emotion'] as const) {
        const entry = svc.manifest.models.find((m) => m.task === task && m.default) ?? svc.manifest.models.find((m) => m.task === task);
        if (entry) await svc.load(entry.id);
      }
      return {
        preference: svc.preference,
        models: svc.manifest.models.map((m) => ({ id: m.id, task: m.task, default: m.default ?? false, licence: m.licence })),
        loaded: svc.providerReport(),
      };
    },
  };
}
