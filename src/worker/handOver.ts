/**
 * The input tensors a worker hands the host with a panel's first computation (`returnInputs`), transferred with
 * their buffers. A reader's tensor is often a view into a larger buffer: a .npy file's bytes after its header, a
 * .pt/.safetensors/.npz file holding other tensors too, or the JSON reader's capacity (sized by what is left of the
 * file, written only as far as the values go). The host's V8 counts a transferred buffer by its whole length, and
 * a copy costs the tensor's size again while the original is alive, so which one is cheaper depends on the buffer:
 * - tensors that fill at least 90 % of their buffer (a .npy file, a .pt file of input and target) keep it: no copy;
 * - a tensor of 16 MB or more read from a JSON file keeps the reader's buffer when that is at most 8 times its size
 *   (the reader's capacity is 2 values per byte of text left, ~4× for float32 numbers written out): the bytes past
 *   the tensor were never written, so they take address space, not memory, and a copy would double the input's
 *   footprint at the peak (`npm run bench:warm` prints that peak);
 * - any other tensor is copied into a buffer of its own size (a small tensor, or one inside a larger file whose other
 *   bytes the host should not keep).
 */
import type { LossInputs } from '../core/losses/types';
import type { Tensor } from '../core/tensor';
import type { WorkerSource } from './messages';

/** A JSON-read tensor at least this large keeps the reader's buffer. */
export const JSON_VIEW_MIN_BYTES = 16 * 1024 * 1024;
/** A JSON-read tensor keeps the reader's buffer only if that is at most this many times its size. */
const JSON_VIEW_MAX_SPREAD = 8;
/** Tensors that fill at least this share of their buffer keep it. */
const FILLED_SHARE = 0.9;

/** The inputs as the worker posts them: each tensor's data a view of its buffer or a copy of its own size. */
export function handOverInputs(inputs: LossInputs, source: WorkerSource['kind']): LossInputs {
  const used = new Map<ArrayBufferLike, number>();
  for (const t of Object.values(inputs)) used.set(t.data.buffer, (used.get(t.data.buffer) ?? 0) + t.data.byteLength);
  const fromJson = source === 'json' || source === 'jsonBytes';
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(inputs)) {
    const buffer = t.data.buffer;
    const bytes = t.data.byteLength;
    const keep =
      used.get(buffer)! >= FILLED_SHARE * buffer.byteLength ||
      (fromJson && bytes >= JSON_VIEW_MIN_BYTES && buffer.byteLength <= JSON_VIEW_MAX_SPREAD * bytes);
    out[name] = keep ? t : { ...t, data: t.data.slice() };
  }
  return out;
}
