/** Float32 arrays in fixtures: little-endian bytes as base64, exact and a third the size of decimal text. */
export function encodeFloat32(data: Float32Array): string {
  const buf = Buffer.alloc(data.length * 4);
  data.forEach((x, i) => buf.writeFloatLE(x, 4 * i));
  return buf.toString('base64');
}

export function decodeFloat32(b64: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  const out = new Float32Array(buf.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(4 * i);
  return out;
}
