/**
 * What every tensor file reader returns: the tensors a file holds, by key, with their shapes and dtypes known before
 * any of them is decoded (a QuickPick lists them; only the chosen ones are read).
 */
import type { DType, Tensor } from '../tensor';

/** The tensor file formats Loss Lens reads. */
export type TensorFormat = 'npy' | 'pt' | 'safetensors' | 'npz';

/** One tensor of a file. */
export interface TensorEntry {
  /**
   * Its key: a dict key, list/tuple indices and nested keys joined by `.` (`batch.x`, `0`, `pair.1`), an .npz
   * member without `.npy`, a safetensors name; `''` for a file that is one tensor.
   */
  readonly key: string;
  readonly shape: readonly number[];
  /** The dtype as PyTorch names it (`float32`, `complex64`…), also for dtypes Loss Lens cannot compute with. */
  readonly dtypeName: string;
  /** The dtype Loss Lens computes with, or `undefined` when it cannot (complex, uint16…): `load` then says why. */
  readonly dtype: DType | undefined;
  /** Decodes the tensor (C order; float16/bfloat16 widened to float32, int64 held in float64). */
  load(): Tensor;
}

/** A tensor file, read. */
/** What a tensor of a file is, without its data (what a picker shows, what a worker sends back first). */
export type TensorInfo = Omit<TensorEntry, 'load'>;

export interface TensorArchive {
  readonly format: TensorFormat;
  /** The file's name, for messages. */
  readonly file: string;
  readonly entries: readonly TensorEntry[];
  /** A safetensors file's `__metadata__` (strings), shown with the tensors. */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Plain values next to the tensors in a .pt file (`epoch: 3`), by key, as Python prints them. */
  readonly values?: Readonly<Record<string, string>>;
}

/** The format a file name's extension says, or `undefined`. */
export function formatOfPath(path: string): TensorFormat | undefined {
  const m = /\.(npy|pt|pth|safetensors|npz|bin|ckpt)$/i.exec(path);
  if (!m) return undefined;
  const ext = m[1]!.toLowerCase();
  if (ext === 'pth' || ext === 'bin' || ext === 'ckpt') return 'pt';
  return ext as TensorFormat;
}

/** `[64, 10] float32` as the QuickPick and the key listing show a tensor. */
export function describeEntry(entry: TensorInfo): string {
  return `[${entry.shape.join(', ')}] ${entry.dtypeName}`;
}
