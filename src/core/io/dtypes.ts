/**
 * Raw little- or big-endian element bytes → the typed arrays Loss Lens computes with. float16 and bfloat16 are
 * widened to float32 (exactly: every half and bfloat16 value is a float32), int64 to float64 (exact up to 2^53).
 */
import { allocate, type DType, type TensorData } from '../tensor';

/** Bytes per element of each dtype as stored on disk. */
export const ITEM_SIZE: Readonly<Record<DType, number>> = {
  float16: 2,
  bfloat16: 2,
  float32: 4,
  float64: 8,
  int8: 1,
  uint8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  bool: 1,
};

/** Float data at least this big (bytes) is viewed in place rather than copied, as the .npy reader does. */
const VIEW_THRESHOLD = 1 << 20;

/** IEEE half → number. */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * Decodes `count` elements of `dtype` starting at `bytes[0]`. A large, aligned, little-endian float32/float64 block
 * is returned as a view on `bytes` (no copy); everything else is a fresh array.
 */
export function decodeElements(bytes: Uint8Array, dtype: DType, count: number, littleEndian = true): TensorData {
  const size = ITEM_SIZE[dtype];
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * size);
  switch (dtype) {
    case 'float32':
    case 'float64': {
      const Kind = dtype === 'float32' ? Float32Array : Float64Array;
      if (littleEndian && count * size >= VIEW_THRESHOLD && bytes.byteOffset % size === 0)
        return new Kind(bytes.buffer as ArrayBuffer, bytes.byteOffset, count);
      const out = new Kind(count);
      if (littleEndian) new Uint8Array(out.buffer).set(bytes.subarray(0, count * size));
      else if (dtype === 'float32') for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, false);
      else for (let i = 0; i < count; i++) out[i] = view.getFloat64(i * 8, false);
      return out;
    }
    case 'float16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToNumber(view.getUint16(i * 2, littleEndian));
      return out;
    }
    case 'bfloat16': {
      // A bfloat16 is the top half of a float32: shift its bits up.
      const out = new Float32Array(count);
      const bits = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(i * 2, littleEndian) << 16;
      return out;
    }
    case 'int64': {
      const out = new Float64Array(count);
      const low = littleEndian ? 0 : 4;
      const high = littleEndian ? 4 : 0;
      for (let i = 0; i < count; i++)
        out[i] = view.getInt32(i * 8 + high, littleEndian) * 4294967296 + view.getUint32(i * 8 + low, littleEndian);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, littleEndian);
      return out;
    }
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, littleEndian);
      return out;
    }
    case 'int8':
      return new Int8Array(bytes.slice(0, count));
    case 'uint8':
      return bytes.slice(0, count);
    case 'bool': {
      const out = allocate('bool', count) as Uint8Array;
      for (let i = 0; i < count; i++) out[i] = bytes[i] ? 1 : 0;
      return out;
    }
  }
}
