import type { FrameFaces } from '../../../../src-shared/contract/face.js';
import { FaceObsRepo } from '../../store/face-obs-repo.js';
import type { ModalityDefinition } from '../stage.js';
import { FaceAnalyzer } from './face-analyzer.js';

/**
 * Faces in video frames: tracked boxes, quality and seven emotion probabilities per face (face_frame,
 * face_obs), and with the face mesh head pose, eyes, blinks and AU estimates (face_geometry, with its
 * observation; the mesh points only when the run keeps them). 8-frame transactions stored face rows 4–5× slower
 * than 240-frame ones: one commit per ~8 s of video.
 */
export const faceModality: ModalityDefinition<'video', FrameFaces> = {
  name: 'face',
  source: 'video',
  storeEvery: 240,
  create: (svc, choose) => FaceAnalyzer.create(svc, { detectorId: choose('face-detector'), emotionId: choose('face-emotion'), landmarkId: choose('face-landmarks') }),
  writer: (db, params) => {
    const repo = new FaceObsRepo(db);
    const landmarks = params.geometry.keepLandmarks;
    return (runId, batch) => void repo.insertFrames(runId, batch, { landmarks });
  },
};
