/**
 * Builds (and reads back) the TFLite model metadata that MediaPipe Tasks needs for an image model whose
 * input is float32: the input's image properties and its normalisation (x - mean) / std. Without the
 * normalisation, tasks-vision refuses the model ("Input tensor has type float32: it requires specifying
 * NormalizationOptions metadata to preprocess input images.", image_tensor_specs.cc).
 */
import * as flatbuffers from 'flatbuffers';
import {
  ColorSpaceType,
  ContentProperties,
  ContentT,
  ImagePropertiesT,
  ImageSizeT,
  ModelMetadata,
  ModelMetadataT,
  NormalizationOptionsT,
  ProcessUnitOptions,
  ProcessUnitT,
  StatsT,
  SubGraphMetadataT,
  TensorMetadataT,
} from './generated/metadata-schema_generated.js';

/** The name TFLite tooling and MediaPipe look the metadata buffer up by. */
export const TFLITE_METADATA = 'TFLITE_METADATA';
/**
 * Oldest metadata parser that understands every field written here (ImageProperties and NormalizationOptions
 * date from schema 1.0.0); a parser older than this must refuse the metadata.
 */
export const MIN_PARSER_VERSION = '1.0.0';

export interface ImageModelMetadataSpec {
  name: string;
  description: string;
  version: string;
  author: string;
  licence: string;
  input: {
    name: string;
    description: string;
    width: number;
    height: number;
    /** Per channel (or one for all): model input = (pixel - mean) / std, pixels 0..255 RGB. */
    mean: number[];
    std: number[];
  };
  outputs: Array<{ name: string; description: string }>;
}

export function buildImageModelMetadata(spec: ImageModelMetadataSpec): Uint8Array {
  const { input } = spec;
  if (input.mean.length !== input.std.length || ![1, 3].includes(input.mean.length)) throw new Error('mean and std need 1 or 3 values each');
  if (input.std.some((s) => !(s > 0))) throw new Error('std must be positive');
  const lo = input.mean.map((m, i) => (0 - m) / input.std[i]);
  const hi = input.mean.map((m, i) => (255 - m) / input.std[i]);
  const inputMeta = new TensorMetadataT(
    input.name,
    input.description,
    new ContentT(ContentProperties.ImageProperties, new ImagePropertiesT(ColorSpaceType.RGB, new ImageSizeT(input.width, input.height))),
    [new ProcessUnitT(ProcessUnitOptions.NormalizationOptions, new NormalizationOptionsT(input.mean, input.std))],
    new StatsT(hi, lo),
  );
  const outputs = spec.outputs.map((o) => new TensorMetadataT(o.name, o.description));
  const meta = new ModelMetadataT(spec.name, spec.description, spec.version, [new SubGraphMetadataT(null, null, [inputMeta], outputs)], spec.author, spec.licence, [], MIN_PARSER_VERSION);
  const builder = new flatbuffers.Builder(1024);
  builder.finish(meta.pack(builder), 'M001');
  return builder.asUint8Array().slice();
}

export interface ReadImageModelMetadata {
  name: string | null;
  licence: string | null;
  minParserVersion: string | null;
  inputs: Array<{ name: string | null; colorSpace: 'RGB' | 'GRAYSCALE' | 'UNKNOWN' | null; mean: number[]; std: number[] }>;
  outputs: Array<{ name: string | null }>;
}

/** Reads metadata written by buildImageModelMetadata (or any TFLite metadata) back, for checks. */
export function readImageModelMetadata(bytes: Uint8Array): ReadImageModelMetadata {
  const bb = new flatbuffers.ByteBuffer(bytes);
  if (!ModelMetadata.bufferHasIdentifier(bb)) throw new Error('not TFLite model metadata (no "M001" identifier)');
  const m = ModelMetadata.getRootAsModelMetadata(bb).unpack();
  const sg = m.subgraphMetadata[0];
  const str = (s: string | Uint8Array | null) => (s === null ? null : typeof s === 'string' ? s : new TextDecoder().decode(s));
  return {
    name: str(m.name),
    licence: str(m.license),
    minParserVersion: str(m.minParserVersion),
    inputs: (sg?.inputTensorMetadata ?? []).map((t) => {
      const norm = t.processUnits.find((p) => p.optionsType === ProcessUnitOptions.NormalizationOptions)?.options as NormalizationOptionsT | undefined;
      const props = t.content?.contentPropertiesType === ContentProperties.ImageProperties ? (t.content.contentProperties as ImagePropertiesT) : null;
      return {
        name: str(t.name),
        colorSpace: props ? ((ColorSpaceType[props.colorSpace] ?? 'UNKNOWN') as 'RGB' | 'GRAYSCALE' | 'UNKNOWN') : null,
        mean: norm?.mean ?? [],
        std: norm?.std ?? [],
      };
    }),
    outputs: (sg?.outputTensorMetadata ?? []).map((t) => ({ name: str(t.name) })),
  };
}
