/**
 * Guarded file reading for the CLI, the worker and the extension (Node; the core never touches the file system).
 * Every read goes through here so that one rule holds everywhere: only regular files are opened (a device, a named
 * pipe, a socket or a folder is refused before anything blocks or allocates), every file counts against the size
 * limit (the JSON file and each file it names), and a file a JSON file names stays inside an allowed folder unless
 * the person allowed otherwise.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LossLensError } from './core/diagnostics';
import type { ReadBuffers } from './core/io/bufferPool';

/** What a read may touch. */
export interface FileLimits {
  /** The largest file read, in bytes (each file on its own). */
  readonly maxBytes: number;
  /**
   * The folder the files a JSON file names must be inside, after following symbolic links (the workspace folder in
   * the extension, the JSON file's own folder in the CLI). Absent: anywhere the person can read.
   */
  readonly root?: string;
}

/** The CLI's default limit per file (2 GiB, the most Node reads into one buffer in one call). */
export const DEFAULT_MAX_FILE_BYTES = 2048 * 1024 * 1024;

/** `O_NONBLOCK` where the platform has it: a pipe that appears between the check and the open cannot block. */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** What a non-regular file is, in words. */
function kindOf(
  stats: Pick<fs.Stats, 'isDirectory' | 'isCharacterDevice' | 'isBlockDevice' | 'isFIFO' | 'isSocket'>,
): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function megabytes(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}

/**
 * Refuses what is not a regular file or is over the limit. Exported for the tests: not every machine has a block
 * device to open.
 */
export function checkStats(
  file: string,
  stats: Pick<
    fs.Stats,
    'isFile' | 'isDirectory' | 'isCharacterDevice' | 'isBlockDevice' | 'isFIFO' | 'isSocket' | 'size'
  >,
  maxBytes: number,
): void {
  if (!stats.isFile()) {
    throw new LossLensError({
      code: 'file/not-regular',
      message: `${file} is ${kindOf(stats)}, not a regular file.`,
      explanation: 'Loss Lens reads only regular files: a device, a pipe or a socket can be endless or never answer.',
      hint: 'Save the tensors to a regular file (numpy.save or json.dump) and name that file.',
      data: { file },
    });
  }
  if (stats.size > maxBytes) {
    throw new LossLensError({
      code: 'file/too-large',
      message: `${file} is ${megabytes(stats.size)} MB, over the limit of ${megabytes(maxBytes)} MB for one file.`,
      explanation: 'Every file read counts against the size limit, including the .npy files a JSON file names.',
      hint: 'Raise the limit (the lossLens.maxFileSizeMB setting, or --max-file-size-mb in the command line) or pass a smaller file.',
      data: { file },
    });
  }
}

/**
 * Opens a regular file for reading after checking it (stat before open, then fstat of what was opened). Returns the
 * descriptor and the size; the caller closes it. Throws LossLensError (`file/not-regular`, `file/too-large`) or an
 * I/O error.
 */
export function openRegularFileSync(file: string, maxBytes: number): { fd: number; size: number } {
  checkStats(file, fs.statSync(file), maxBytes);
  const fd = fs.openSync(file, OPEN_FLAGS);
  try {
    const stats = fs.fstatSync(fd);
    checkStats(file, stats, maxBytes);
    return { fd, size: stats.size };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/**
 * Reads a whole regular file (at most its size when checked). With `buffers`, into a buffer taken from there (the
 * loss worker's pool; the bytes view its first `size` bytes), else a fresh one. Throws as {@link openRegularFileSync}.
 */
export function readRegularFileSync(file: string, maxBytes: number, buffers?: ReadBuffers): Uint8Array {
  const { fd, size } = openRegularFileSync(file, maxBytes);
  try {
    const bytes = buffers ? new Uint8Array(buffers.take(size), 0, size) : new Uint8Array(size);
    let done = 0;
    while (done < size) {
      const n = fs.readSync(fd, bytes, done, Math.min(size - done, 1 << 30), null);
      if (n === 0) break;
      done += n;
    }
    return done === size ? bytes : bytes.subarray(0, done);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads a whole regular file without blocking the thread (the extension host). Throws as {@link readRegularFileSync}. */
export async function readRegularFile(file: string, maxBytes: number): Promise<Uint8Array> {
  checkStats(file, await fs.promises.stat(file), maxBytes);
  const handle = await fs.promises.open(file, OPEN_FLAGS);
  try {
    const stats = await handle.stat();
    checkStats(file, stats, maxBytes);
    const bytes = new Uint8Array(stats.size);
    let done = 0;
    while (done < stats.size) {
      const { bytesRead } = await handle.read(bytes, done, Math.min(stats.size - done, 1 << 30), null);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === stats.size ? bytes : bytes.subarray(0, done);
  } finally {
    await handle.close();
  }
}

/** The size of a regular file within the limit, checked without opening it. Throws as {@link openRegularFileSync}. */
export async function regularFileSize(file: string, maxBytes: number): Promise<number> {
  const stats = await fs.promises.stat(file);
  checkStats(file, stats, maxBytes);
  return stats.size;
}

/** True when `target` is `root` or below it (both absolute, already resolved). */
function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The real path of a file or folder that may not exist (then the path itself, resolved). */
function realOrResolved(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/**
 * The path of a file a JSON file names (`named`, as written in it), resolved against the JSON file's folder. With
 * `root`, refuses (`file/outside`) a file that is not inside `root` once symbolic links are followed.
 */
export function resolveNamedFile(jsonFile: string, named: string, root: string | undefined): string {
  const resolved = path.resolve(path.dirname(jsonFile), named);
  if (root === undefined) return resolved;
  if (!isInside(realOrResolved(root), realOrResolved(resolved))) {
    throw new LossLensError({
      code: 'file/outside',
      message: `${named} is outside the folder ${root}.`,
      explanation:
        'A tensor file may name only files inside its folder (the workspace in the editor), so that a file from elsewhere cannot make Loss Lens read anywhere on the disk.',
      hint: 'Move the file next to the JSON file, or allow it (the lossLens.allowFilesOutsideWorkspace setting, or --allow-outside in the command line).',
      data: { file: named },
    });
  }
  return resolved;
}
