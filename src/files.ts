/**
 * Tensor files from disk, for the CLI and the worker (Node; the core itself never touches the file system): JSON
 * tensor files through the streaming reader in 4 MB chunks (only one chunk in memory besides the tensors), .npy files,
 * and the `{"npy": "…"}` tensors a JSON file names, relative to it. Every read goes through ./safeFile: regular
 * files only, each within `limits.maxBytes`, and named files inside `limits.root`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TensorFile } from './core/json/tensorFile';
import { readNpy, resolveNpySources } from './core/npy';
import { readTensorFileFrom } from './core/stream/reader';
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

/** Reads a JSON tensor file with the streaming reader, then its .npy tensors. Throws LossLensError or an I/O error. */
export function readTensorFileFromDisk(
  file: string,
  onProgress?: ReadProgress,
  limits: FileLimits = besideLimits(file),
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
      sizeHint: size,
      chunkSize: CHUNK_BYTES,
      ...(onProgress ? { onProgress: (n: number) => onProgress(n, size) } : {}),
    });
  } finally {
    fs.closeSync(fd);
  }
  return resolveNpyRelativeTo(parsed, file, limits);
}

/** Reads the `{"npy": "…"}` tensors of a parsed file, relative to the file's folder. */
export function resolveNpyRelativeTo(
  parsed: TensorFile,
  file: string,
  limits: FileLimits = besideLimits(file),
): TensorFile {
  return resolveNpySources(parsed, (p) => readRegularFileSync(resolveNamedFile(file, p, limits.root), limits.maxBytes));
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
  return resolveNpySources(parsed, (p) => {
    const read = bytes.get(p);
    if (read === undefined || read instanceof Error) throw read ?? new Error('not read');
    return read;
  });
}

/** Reads one .npy file. */
export function readNpyFromDisk(file: string, limits: FileLimits = DEFAULT_LIMITS): Tensor {
  return readNpy(readRegularFileSync(file, limits.maxBytes), path.basename(file));
}

/** A tensor file made of .npy files: `--input logits.npy --target labels.npy`. */
export function npyTensorFile(inputFile: string, targetFile?: string, limits: FileLimits = DEFAULT_LIMITS): TensorFile {
  const inputs: Record<string, Tensor> = { input: readNpyFromDisk(inputFile, limits) };
  if (targetFile) inputs.target = readNpyFromDisk(targetFile, limits);
  return { inputs, inputRanges: {}, options: {} };
}

/** The most elements any tensor of a file holds. */
export function largestTensor(file: TensorFile): number {
  return Math.max(0, ...Object.values(file.inputs).map((t) => numel(t.shape)));
}
