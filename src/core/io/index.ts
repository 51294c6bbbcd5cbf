/**
 * Tensor files by format (.npy, .pt/.pth, .safetensors, .npz), one entry point for the CLI, the JSON tensor file and
 * the extension: read a file's bytes into a {@link TensorArchive}, pick a tensor by key, resolve the
 * `{"pt": "run.pt", "key": "logits"}` tensors of a JSON tensor file. Pure: the caller reads the files.
 */
import { evaluatorEntries } from '../entries';
import { LossLensError } from '../diagnostics';
import type { TensorFile } from '../json/tensorFile';
import { readNpy, readNpyHeader } from '../npy';
import type { Tensor } from '../tensor';
import type { ReadBuffers } from './bufferPool';
import { describeEntry, formatOfPath, type TensorArchive, type TensorEntry, type TensorFormat } from './archive';
import { DEFAULT_LIMITS, type ReadLimits } from './errors';
import { readNpz } from './npz';
import { readPt } from './pt';
import { readSafetensors } from './safetensors';
import { looksLikeZip } from './zip';

export {
  describeEntry,
  formatOfPath,
  type TensorArchive,
  type TensorEntry,
  type TensorFormat,
  type TensorInfo,
} from './archive';
export { DEFAULT_LIMITS, type ReadLimits } from './errors';

/** A .npy file as an archive of one tensor (key `''`); `buffers` as {@link readNpy} takes them. */
function readNpyArchive(bytes: Uint8Array, file: string, buffers: ReadBuffers | undefined): TensorArchive {
  const header = readNpyHeader(bytes, file);
  return {
    format: 'npy',
    file,
    entries: [
      {
        key: '',
        shape: header.shape,
        dtypeName: header.dtype,
        dtype: header.dtype,
        load: () => readNpy(bytes, file, buffers),
      },
    ],
  };
}

/**
 * Reads a tensor file's bytes. `format` defaults to what the name's extension says; a zip without one is read as
 * .pt when it holds data.pkl, else as .npz. `buffers`: where a .npy file's decoded int64 array goes (the loss
 * worker's pool of read buffers), else a fresh array.
 */
export function readTensorArchive(
  bytes: Uint8Array,
  file: string,
  format: TensorFormat | undefined = formatOfPath(file),
  limits: ReadLimits = DEFAULT_LIMITS,
  buffers?: ReadBuffers,
): TensorArchive {
  evaluatorEntries.archive++;
  switch (format ?? sniff(bytes)) {
    case 'pt':
      return readPt(bytes, file, limits);
    case 'safetensors':
      return readSafetensors(bytes, file, limits);
    case 'npz':
      return readNpz(bytes, file, limits);
    case 'npy':
      return readNpyArchive(bytes, file, buffers);
  }
}

/** The format the first bytes say: `\x93NUMPY` .npy, a zip (.pt if it names data.pkl), else .safetensors. */
function sniff(bytes: Uint8Array): TensorFormat {
  if (bytes[0] === 0x93 && bytes[1] === 0x4e) return 'npy';
  if (looksLikeZip(bytes)) {
    const tail = new TextDecoder('latin1').decode(bytes.subarray(Math.max(0, bytes.length - 65536)));
    return tail.includes('data.pkl') ? 'pt' : 'npz';
  }
  return 'safetensors';
}

/**
 * The tensor `key` names in an archive: a dict key, a `.`-joined path (`batch.x`), a list/tuple index (`0`). With no
 * key, the file's only tensor. A missing or ambiguous key is an `io/key` error listing the tensors there are.
 */
export function selectEntry(archive: TensorArchive, key: string | undefined): TensorEntry {
  const { entries, file } = archive;
  if (key === undefined || key === '') {
    if (entries.length === 1) return entries[0]!;
  } else {
    const found = entries.find((e) => e.key === key);
    if (found) return found;
  }
  const listing =
    entries.length > 0
      ? entries.map((e) => `${e.key === '' ? '(the whole file)' : e.key} ${describeEntry(e)}`).join('; ')
      : 'none';
  const missing = key === undefined || key === '';
  throw new LossLensError({
    code: 'io/key',
    message: missing
      ? `${file} holds ${entries.length} tensors; name one with FILE:KEY. Tensors: ${listing}`
      : `${file} has no tensor '${key}'. Tensors: ${listing}`,
    explanation: missing
      ? `The file holds ${entries.length === 0 ? 'no tensor' : 'several tensors'}, so Loss Lens cannot tell which one to use.`
      : 'The key names no tensor in the file. Keys are dict keys, joined by "." for nested dicts, or list/tuple indices.',
    hint: missing
      ? 'Add the key after a colon, e.g. run.pt:logits, or "key": "logits" in a JSON tensor file.'
      : 'Use one of the keys listed.',
    data: { file, ...(key ? { key } : {}), available: entries.map((e) => e.key).join(', ') },
  });
}

/** Reads the tensor `key` names (see {@link selectEntry}). */
export function selectTensor(archive: TensorArchive, key: string | undefined): Tensor {
  return selectEntry(archive, key).load();
}

/** `FILE[:KEY]` as the CLI takes it: `run.pt:batch.x`, `pair.pt:0`, `logits.npy`. */
export interface FileSpec {
  readonly path: string;
  readonly key?: string;
}

/**
 * Splits `FILE[:KEY]`. The key follows the last `:` after a known extension (`.pt`, `.pth`, `.safetensors`, `.npz`,
 * `.npy`), so Windows drive letters (`C:\runs\a.pt:x`) and colons inside folder names stay in the path.
 */
export function parseFileSpec(spec: string): FileSpec {
  const m = /^(.*\.(?:npy|pt|pth|safetensors|npz|bin|ckpt)):([^:\\/]*)$/i.exec(spec);
  if (m) return { path: m[1]!, key: m[2]! };
  return { path: spec };
}

/**
 * Reads the file-backed tensors of a JSON tensor file (`{"npy": …}`, `{"pt": …, "key": …}`, `{"safetensors": …}`,
 * `{"npz": …}`). `readFile(path)` returns a file's bytes for a path as written in the JSON (the caller resolves it
 * against the JSON file's folder) or throws. A problem is placed at the tensor's place in the JSON file; the message
 * names the file, the key and the byte.
 */
export function resolveTensorSources(
  file: TensorFile,
  readFile: (path: string) => Uint8Array,
  limits: ReadLimits = DEFAULT_LIMITS,
): TensorFile {
  if (!file.npy) return file;
  const inputs: Record<string, Tensor> = { ...file.inputs };
  const archives = new Map<string, TensorArchive>();
  for (const [name, source] of Object.entries(file.npy)) {
    const format = source.format ?? 'npy';
    let archive = archives.get(`${format}:${source.path}`);
    if (!archive) {
      let bytes: Uint8Array;
      try {
        bytes = readFile(source.path);
      } catch (e) {
        // A refusal (not a regular file, over the size limit, outside the allowed folder) keeps its own words.
        if (e instanceof LossLensError) throw new LossLensError({ ...e.diagnostic, ...source.range });
        const reason = e instanceof Error ? e.message : String(e);
        throw new LossLensError({
          code: 'npy/read',
          message: `Cannot read ${source.path}: ${reason}`,
          explanation: `"${name}" names the ${extensionOf(format)} file ${source.path}, relative to the JSON file, and it cannot be read.`,
          hint: 'Check the path (it is relative to the JSON file) and that the file exists.',
          ...source.range,
          data: { key: name, path: source.path },
        });
      }
      try {
        archive = readTensorArchive(bytes, source.path, format, limits);
      } catch (e) {
        if (e instanceof LossLensError) throw new LossLensError({ ...e.diagnostic, ...source.range });
        throw e;
      }
      archives.set(`${format}:${source.path}`, archive);
    }
    try {
      inputs[name] = selectTensor(archive, source.key);
    } catch (e) {
      if (e instanceof LossLensError) throw new LossLensError({ ...e.diagnostic, ...source.range });
      throw e;
    }
  }
  const { npy: _resolved, ...rest } = file;
  return { ...rest, inputs };
}

function extensionOf(format: TensorFormat): string {
  return `.${format}`;
}
