/**
 * The input tensors a worker hands the host with a panel's first computation (`returnInputs`). A reader's tensor is
 * often a view into a larger buffer: a .npy file's bytes after its header, a .pt/.safetensors/.npz file holding other
 * tensors too, or the JSON reader's capacity (sized by what is left of the file, written only as far as the values
 * go). The host's V8 counts an ArrayBuffer moved to it by its whole length (a 280 MB capacity holding a 65 MB tensor
 * made it run a full garbage collection on arrival: a long stall of the extension host), while a copy costs the
 * tensor's size again at the worker's peak. So:
 * - tensors that fill at least 90 % of an ArrayBuffer (a .npy file, a .pt file of input and target) are handed over
 *   in it, moved, not copied;
 * - tensors the JSON reader collected in a SharedArrayBuffer (the worker reads JSON that way) are handed over in it,
 *   shared, not copied, when it is at most 8 times their size (the reader's capacity is 2 values per byte of text
 *   left, ~4× for float32 numbers written out): V8 counts no shared memory against the host, and the capacity past
 *   the tensor was never written, so it takes address space, not memory (`npm run bench:warm` prints the peak);
 * - any other tensor is copied into a buffer of its own size (a small tensor, or one inside a larger file whose other
 *   bytes the host should not keep).
 */
import type { LossInputs } from '../core/losses/types';
import type { Tensor } from '../core/tensor';

/** A shared buffer is kept only if it is at most this many times the tensor's size. */
const SHARED_MAX_SPREAD = 8;
/** Tensors that fill at least this share of their ArrayBuffer keep it. */
const FILLED_SHARE = 0.9;

function isShared(buffer: ArrayBufferLike): boolean {
  return typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer;
}

/** The inputs as the worker posts them: each tensor's data a view of its buffer or a copy of its own size. */
export function handOverInputs(inputs: LossInputs): LossInputs {
  const used = new Map<ArrayBufferLike, number>();
  for (const t of Object.values(inputs)) used.set(t.data.buffer, (used.get(t.data.buffer) ?? 0) + t.data.byteLength);
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(inputs)) {
    const buffer = t.data.buffer;
    const keep = isShared(buffer)
      ? buffer.byteLength <= SHARED_MAX_SPREAD * Math.max(t.data.byteLength, 1)
      : used.get(buffer)! >= FILLED_SHARE * buffer.byteLength;
    out[name] = keep ? t : { ...t, data: t.data.slice() };
  }
  return out;
}
