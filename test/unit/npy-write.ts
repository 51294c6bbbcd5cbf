/**
 * Writes small .npy files for the worker and pool tests (format version 1.0, little-endian, C order): float32 data
 * and int64 targets.
 */
import * as fs from 'node:fs';

/** The bytes of a .npy file holding `values` as `descr` ('<f4' or '<i8') with `shape`. */
export function npyBytes(descr: '<f4' | '<i8', shape: readonly number[], values: ArrayLike<number>): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Magic (6) + version (2) + length (2) + header, padded with spaces to a multiple of 64, ending in a newline.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const itemSize = descr === '<f4' ? 4 : 8;
  const out = new Uint8Array(total + values.length * itemSize);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, total);
  for (let i = 0; i < values.length; i++) {
    if (descr === '<f4') view.setFloat32(4 * i, values[i]!, true);
    else view.setBigInt64(8 * i, BigInt(values[i]!), true);
  }
  return out;
}

/** Writes a .npy file (see {@link npyBytes}). */
export function writeNpy(
  file: string,
  descr: '<f4' | '<i8',
  shape: readonly number[],
  values: ArrayLike<number>,
): void {
  fs.writeFileSync(file, npyBytes(descr, shape, values));
}

/** Deterministic pseudo-random logits in [-4, 4) (a linear congruential sequence from `seed`). */
export function logits(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 4294967296) * 8 - 4;
  }
  return out;
}
