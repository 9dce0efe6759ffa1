import type { VoiceWindowResult } from '../../../../src-shared/contract/voice.js';
import { VoiceObsRepo } from '../../store/voice-obs-repo.js';
import type { ModalityDefinition } from '../stage.js';
import { VoiceAnalyzer } from './voice-analyzer.js';

/** The voice in audio: speech, prosody features and emotion per 2 s window (voice_obs), stored 64 windows at a time. */
export const voiceModality: ModalityDefinition<'audio', VoiceWindowResult> = {
  name: 'voice',
  source: 'audio',
  storeEvery: 64,
  create: (svc, choose) => VoiceAnalyzer.create(svc, { vadModelId: choose('vad'), emotionModelId: choose('voice-emotion') }),
  writer: (db) => {
    const repo = new VoiceObsRepo(db);
    return (runId, batch) => void repo.insert(runId, batch);
  },
};
