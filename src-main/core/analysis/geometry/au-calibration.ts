import type { AuCalibration } from './action-units.js';

/** Placeholder until scripts/geometry/calibrate-au.ts has run. */
export const AU_CALIBRATION: AuCalibration = {
  browRaise: { measure: 'browHeight', neutral: 2.3, range: 0.5 },
  innerBrowDown: { measure: 'innerBrowToEye', neutral: 3.1, range: -0.3 },
  browsTogether: { measure: 'browGap', neutral: 4.4, range: -0.3 },
  cornersUp: { measure: 'cornerElevation', neutral: -0.1, range: 0.5 },
  cornersDown: { measure: 'cornerElevation', neutral: -0.1, range: -0.2 },
  mouthWider: { measure: 'mouthWidth', neutral: 5.1, range: 1.5 },
  cheeksUp: { measure: 'cheekHeight', neutral: -1.74, range: 0.3 },
  lipsApart: { measure: 'lipGap', neutral: 0.2, range: 1 },
  jawDown: { measure: 'jawDrop', neutral: 2.4, range: 1 },
  eyesOpen: { measure: 'eyeAspect', neutral: 0.29, range: -0.2 },
};
