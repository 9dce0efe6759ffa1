import type { FrameFaces } from '../../../../src-shared/contract/face.js';
import { FaceObsRepo } from '../../store/face-obs-repo.js';
import type { ModalityDefinition } from '../stage.js';
import { FaceAnalyzer } from './face-analyzer.js';

/**
 * Faces in video frames: tracked boxes, quality and seven emotion probabilities per face (face_frame,
 * face_obs). 8-frame transactions stored face rows 4–5× slower than 240-frame ones: one commit per ~8 s of video.
 */
export const faceModality: ModalityDefinition<'video', FrameFaces> = {
  name: 'face',
  source: 'video',
  storeEvery: 240,
  create: (svc) => FaceAnalyzer.create(svc),
  writer: (db) => {
    const repo = new FaceObsRepo(db);
    return (runId, batch) => void repo.insertFrames(runId, batch);
  },
};
