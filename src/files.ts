/**
 * Tensor files from disk, for the CLI and the worker (Node; the core itself never touches the file system): JSON
 * tensor files through the streaming reader in 4 MB chunks (only one chunk in memory besides the tensors), .npy,
 * .pt/.pth, .safetensors and .npz files, and the file tensors a JSON file names (`{"npy": "…"}`,
 * `{"pt": "…", "key": "…"}`…), relative to it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TensorFile } from './core/json/tensorFile';
import {
  parseFileSpec,
  readTensorArchive,
  resolveTensorSources,
  selectTensor,
  type FileSpec,
  type TensorArchive,
} from './core/io/index';
import { readNpy } from './core/npy';
import { readTensorFileFrom } from './core/stream/reader';
import { numel, type Tensor } from './core/tensor';

/** Bytes read per chunk. */
const CHUNK_BYTES = 1 << 18;

/** Progress of a read: bytes so far of the total. */
export type ReadProgress = (bytesRead: number, totalBytes: number) => void;

/** Reads a JSON tensor file with the streaming reader, then its .npy tensors. Throws LossLensError or an I/O error. */
export function readTensorFileFromDisk(file: string, onProgress?: ReadProgress): TensorFile {
  const fd = fs.openSync(file, 'r');
  let parsed: TensorFile;
  try {
    const size = fs.fstatSync(fd).size;
    parsed = readTensorFileFrom((into) => fs.readSync(fd, into, 0, into.length, null), {
      sizeHint: size,
      chunkSize: CHUNK_BYTES,
      ...(onProgress ? { onProgress: (n: number) => onProgress(n, size) } : {}),
    });
  } finally {
    fs.closeSync(fd);
  }
  return resolveNpyRelativeTo(parsed, file);
}

/** Reads the `{"npy": "…"}` tensors of a parsed file, relative to the file's folder. */
export function resolveNpyRelativeTo(parsed: TensorFile, file: string): TensorFile {
  return resolveTensorSources(parsed, (p) => fs.readFileSync(path.resolve(path.dirname(file), p)));
}

/** Reads one .npy file. */
export function readNpyFromDisk(file: string): Tensor {
  return readNpy(fs.readFileSync(file), path.basename(file));
}

/** Reads a tensor file (.npy, .pt/.pth, .safetensors, .npz) from disk into an archive of its tensors. */
export function readArchiveFromDisk(file: string): TensorArchive {
  return readTensorArchive(fs.readFileSync(file), path.basename(file));
}

/** Reads the tensor `FILE[:KEY]` names (`run.pt:batch.x`, `pair.pt:0`, `logits.npy`). */
export function readTensorSpec(spec: string): Tensor {
  const { path: file, key } = parseFileSpec(spec);
  return selectTensor(readArchiveFromDisk(file), key);
}

/**
 * A tensor file made of tensor files: `--input logits.npy --target labels.npy`, `--input run.pt:batch.x --target
 * run.pt:batch.y`. A file named twice is read once.
 */
export function npyTensorFile(inputSpec: string, targetSpec?: string): TensorFile {
  return tensorFileFromFiles(
    parseFileSpec(inputSpec),
    targetSpec === undefined ? undefined : parseFileSpec(targetSpec),
  );
}

/** The input (and target) tensors named by path and key; a file named twice is read once. */
export function tensorFileFromFiles(input: FileSpec, target?: FileSpec): TensorFile {
  const archives = new Map<string, TensorArchive>();
  const read = ({ path: file, key }: FileSpec): Tensor => {
    let archive = archives.get(file);
    if (!archive) archives.set(file, (archive = readArchiveFromDisk(file)));
    return selectTensor(archive, key);
  };
  const inputs: Record<string, Tensor> = { input: read(input) };
  if (target) inputs.target = read(target);
  return { inputs, inputRanges: {}, options: {} };
}

/** The most elements any tensor of a file holds. */
export function largestTensor(file: TensorFile): number {
  return Math.max(0, ...Object.values(file.inputs).map((t) => numel(t.shape)));
}
