/**
 * Tensor files from disk, for the CLI and the worker (Node; the core itself never touches the file system): JSON
 * tensor files through the streaming reader in 4 MB chunks (only one chunk in memory besides the tensors), .npy,
 * .pt/.pth, .safetensors and .npz files, and the file tensors a JSON file names (`{"npy": "…"}`,
 * `{"pt": "…", "key": "…"}`…), relative to it. Every read goes through ./safeFile: regular files only, each within
 * `limits.maxBytes`, and named files inside `limits.root`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ReadBuffers } from './core/io/bufferPool';
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
import { readTensorFileFrom, type TensorStreamOptions } from './core/stream/reader';
import { numel, type Tensor } from './core/tensor';
import {
  DEFAULT_MAX_FILE_BYTES,
  openRegularFileSync,
  readRegularFile,
  readRegularFileSync,
  resolveNamedFile,
  type FileLimits,
} from './safeFile';

/** What a caller that passes no limits gets: the default size, and named files beside or below the JSON file. */
function besideLimits(file: string): FileLimits {
  return { maxBytes: DEFAULT_MAX_FILE_BYTES, root: path.dirname(path.resolve(file)) };
}

/** The default size limit alone (a file named on the command line, not by a JSON file). */
const DEFAULT_LIMITS: FileLimits = { maxBytes: DEFAULT_MAX_FILE_BYTES };

/** Bytes read per chunk. */
const CHUNK_BYTES = 1 << 18;

/** Progress of a read: bytes so far of the total. */
export type ReadProgress = (bytesRead: number, totalBytes: number) => void;

/**
 * Reads a JSON tensor file with the streaming reader, then its .npy tensors. Throws LossLensError or an I/O error.
 * `stream.shared`: the tensors in SharedArrayBuffers (the loss worker's choice, see the reader's option).
 */
export function readTensorFileFromDisk(
  file: string,
  onProgress?: ReadProgress,
  limits: FileLimits = besideLimits(file),
  stream: Pick<TensorStreamOptions, 'shared'> = {},
  buffers?: ReadBuffers,
): TensorFile {
  const { fd, size } = openRegularFileSync(file, limits.maxBytes);
  let parsed: TensorFile;
  try {
    // Never past the size checked: a file that grows while it is read cannot outgrow the limit.
    let done = 0;
    const readChunk = (into: Uint8Array): number => {
      const n = done >= size ? 0 : fs.readSync(fd, into, 0, Math.min(into.length, size - done), null);
      done += n;
      return n;
    };
    parsed = readTensorFileFrom(readChunk, {
      ...stream,
      sizeHint: size,
      chunkSize: CHUNK_BYTES,
      ...(onProgress ? { onProgress: (n: number) => onProgress(n, size) } : {}),
    });
  } finally {
    fs.closeSync(fd);
  }
  return resolveNpyRelativeTo(parsed, file, limits, buffers);
}

/**
 * Reads the file tensors a parsed file names (`{"npy": "…"}`, `{"pt": "…"}`…), relative to the file's folder;
 * `buffers`: where their bytes go (the loss worker's pool), else fresh buffers.
 */
export function resolveNpyRelativeTo(
  parsed: TensorFile,
  file: string,
  limits: FileLimits = besideLimits(file),
  buffers?: ReadBuffers,
): TensorFile {
  return resolveTensorSources(parsed, (p) =>
    readRegularFileSync(resolveNamedFile(file, p, limits.root), limits.maxBytes, buffers),
  );
}

/**
 * {@link resolveNpyRelativeTo} without blocking the thread (the extension host): the files are checked and read
 * asynchronously, then parsed.
 */
export async function resolveNpyRelativeToAsync(
  parsed: TensorFile,
  file: string,
  limits: FileLimits,
): Promise<TensorFile> {
  if (!parsed.npy) return parsed;
  const bytes = new Map<string, Uint8Array | Error>();
  for (const { path: named } of Object.values(parsed.npy)) {
    if (bytes.has(named)) continue;
    try {
      bytes.set(named, await readRegularFile(resolveNamedFile(file, named, limits.root), limits.maxBytes));
    } catch (e) {
      bytes.set(named, e instanceof Error ? e : new Error(String(e)));
    }
  }
  return resolveTensorSources(parsed, (p) => {
    const read = bytes.get(p);
    if (read === undefined || read instanceof Error) throw read ?? new Error('not read');
    return read;
  });
}

/** Reads one .npy file. */
export function readNpyFromDisk(file: string, limits: FileLimits = DEFAULT_LIMITS): Tensor {
  return readNpy(readRegularFileSync(file, limits.maxBytes), path.basename(file));
}

/**
 * Reads a tensor file (.npy, .pt/.pth, .safetensors, .npz) from disk into an archive of its tensors; `buffers`: where
 * the file's bytes go (the loss worker's pool), else a fresh buffer.
 */
export function readArchiveFromDisk(
  file: string,
  limits: FileLimits = DEFAULT_LIMITS,
  buffers?: ReadBuffers,
): TensorArchive {
  return readTensorArchive(
    readRegularFileSync(file, limits.maxBytes, buffers),
    path.basename(file),
    undefined,
    undefined,
    buffers,
  );
}

/** Reads the tensor `FILE[:KEY]` names (`run.pt:batch.x`, `pair.pt:0`, `logits.npy`). */
export function readTensorSpec(spec: string, limits: FileLimits = DEFAULT_LIMITS): Tensor {
  const { path: file, key } = parseFileSpec(spec);
  return selectTensor(readArchiveFromDisk(file, limits), key);
}

/**
 * A tensor file made of tensor files: `--input logits.npy --target labels.npy`, `--input run.pt:batch.x --target
 * run.pt:batch.y`. A file named twice is read once.
 */
export function npyTensorFile(
  inputSpec: string,
  targetSpec?: string,
  limits: FileLimits = DEFAULT_LIMITS,
  buffers?: ReadBuffers,
): TensorFile {
  return tensorFileFromFiles(
    parseFileSpec(inputSpec),
    targetSpec === undefined ? undefined : parseFileSpec(targetSpec),
    limits,
    buffers,
  );
}

/**
 * The input (and target) tensors named by path and key; a file named twice is read once. `buffers`: where the files'
 * bytes go (the loss worker's pool), else fresh buffers.
 */
export function tensorFileFromFiles(
  input: FileSpec,
  target?: FileSpec,
  limits: FileLimits = DEFAULT_LIMITS,
  buffers?: ReadBuffers,
): TensorFile {
  const archives = new Map<string, TensorArchive>();
  const read = ({ path: file, key }: FileSpec): Tensor => {
    let archive = archives.get(file);
    if (!archive) archives.set(file, (archive = readArchiveFromDisk(file, limits, buffers)));
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
