/**
 * `.safetensors` files: an 8-byte little-endian header length, a JSON header
 * `{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, "__metadata__": {...}}`, then the raw
 * little-endian buffers, offsets counted from the end of the header. Every offset and size is checked against the
 * file and against the shape before a tensor is decoded; `__metadata__` is kept for display.
 */
import type { DType } from '../tensor';
import { numel } from '../tensor';
import type { TensorArchive, TensorEntry } from './archive';
import { decodeElements, ITEM_SIZE } from './dtypes';
import { binaryError, DEFAULT_LIMITS, type ReadLimits } from './errors';

/** safetensors dtype codes and the PyTorch dtype each is. */
const CODES: Readonly<Record<string, DType>> = {
  F16: 'float16',
  BF16: 'bfloat16',
  F32: 'float32',
  F64: 'float64',
  I64: 'int64',
  I32: 'int32',
  I16: 'int16',
  I8: 'int8',
  U8: 'uint8',
  BOOL: 'bool',
};

/** Codes of the format Loss Lens cannot compute with, named as PyTorch names them. */
const OTHER_CODES: Readonly<Record<string, string>> = {
  U16: 'uint16',
  U32: 'uint32',
  U64: 'uint64',
  F8_E4M3: 'float8_e4m3fn',
  F8_E5M2: 'float8_e5m2',
  C64: 'complex64',
};

function headerError(
  file: string,
  offset: number,
  message: string,
  explanation: string,
  data: Record<string, string | number> = {},
): never {
  throw binaryError(
    file,
    offset,
    'safetensors/header',
    message,
    explanation,
    'Write the file again with safetensors.torch.save_file.',
    data,
  );
}

/** Reads a .safetensors file's bytes. Throws LossLensError (`safetensors/*`) for a damaged, lying or cut-off file. */
export function readSafetensors(
  bytes: Uint8Array,
  file = 'tensors.safetensors',
  limits: ReadLimits = DEFAULT_LIMITS,
): TensorArchive {
  if (bytes.length < 8) {
    throw binaryError(
      file,
      bytes.length,
      'safetensors/truncated',
      'the file ends inside its 8-byte header length',
      'A .safetensors file starts with 8 bytes giving the length of its JSON header; this one is shorter.',
      'Write the file again with safetensors.torch.save_file.',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > limits.maxHeaderBytes) {
    headerError(
      file,
      0,
      `the header length is ${headerLength} bytes, over the limit of ${limits.maxHeaderBytes}`,
      'The first 8 bytes give an impossible header length: the file is damaged, or not a .safetensors file.',
      { headerLength },
    );
  }
  const dataStart = 8 + headerLength;
  if (dataStart > bytes.length) {
    throw binaryError(
      file,
      bytes.length,
      'safetensors/truncated',
      `the header says it is ${headerLength} bytes long, the file ends at byte ${bytes.length}`,
      'The file is shorter than its own header: it was cut off (an interrupted copy or download), or the header length lies.',
      'Write the file again with safetensors.torch.save_file and copy it whole.',
      { headerLength, available: bytes.length },
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataStart)));
  } catch (e) {
    headerError(
      file,
      8,
      `the header is not valid JSON (${e instanceof Error ? e.message : String(e)})`,
      'The JSON header that lists the tensors is damaged.',
    );
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    headerError(
      file,
      8,
      'the header is not a JSON object',
      'The header of a .safetensors file is a JSON object of tensors by name.',
    );
  }
  const dataLength = bytes.length - dataStart;
  const entries: TensorEntry[] = [];
  let metadata: Record<string, string> | undefined;
  const spans: [number, number, string][] = [];
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof info !== 'object' || info === null)
        headerError(
          file,
          8,
          '__metadata__ is not an object of strings',
          'safetensors keeps free-form metadata as strings.',
        );
      metadata = {};
      for (const [k, v] of Object.entries(info as Record<string, unknown>))
        metadata[k] = typeof v === 'string' ? v : JSON.stringify(v);
      continue;
    }
    const record = (info ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const code = typeof record.dtype === 'string' ? record.dtype : '';
    const shape = record.shape;
    const offsets = record.data_offsets;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      headerError(
        file,
        8,
        `tensor '${name}' has no valid shape`,
        "Each tensor's shape is a list of non-negative integers.",
        { tensor: name },
      );
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      headerError(
        file,
        8,
        `tensor '${name}' has no valid data_offsets`,
        "Each tensor's data_offsets is [begin, end] with begin ≤ end.",
        { tensor: name },
      );
    }
    const [begin, end] = offsets as [number, number];
    const dtype = CODES[code];
    const dtypeName = dtype ?? OTHER_CODES[code] ?? code;
    if (!dtype && !OTHER_CODES[code]) {
      headerError(
        file,
        8,
        `tensor '${name}' has the unknown dtype '${code}'`,
        'safetensors dtypes are codes such as F32, F16, BF16, I64, U8, BOOL.',
        { tensor: name, dtype: code },
      );
    }
    if (end > dataLength) {
      throw binaryError(
        file,
        bytes.length,
        'safetensors/truncated',
        `tensor '${name}' needs bytes ${dataStart + begin}–${dataStart + end}, the file ends at ${bytes.length}`,
        'The file is shorter than its header says: it was cut off, or the header lies about the offsets.',
        'Write the file again with safetensors.torch.save_file and copy it whole.',
        { tensor: name, needed: dataStart + end, available: bytes.length },
      );
    }
    if (dtype && end - begin !== numel(shape as number[]) * ITEM_SIZE[dtype]) {
      headerError(
        file,
        8,
        `tensor '${name}' of shape [${(shape as number[]).join(', ')}] ${code} needs ${numel(shape as number[]) * ITEM_SIZE[dtype]} bytes, its data_offsets span ${end - begin}`,
        'The header lies about a tensor: its shape and its byte range disagree.',
        { tensor: name },
      );
    }
    spans.push([begin, end, name]);
    entries.push({
      key: name,
      shape: shape as number[],
      dtypeName,
      dtype,
      load: () => {
        if (!dtype) {
          throw binaryError(
            `${file}:${name}`,
            dataStart + begin,
            'io/dtype',
            `unsupported dtype ${dtypeName}`,
            `Loss Lens computes with float16, bfloat16, float32, float64, int8, uint8, int16, int32, int64 and bool tensors; this one is ${dtypeName}.`,
            'Convert before saving: tensor.float() for scores, tensor.long() for class indices.',
            { dtype: dtypeName },
          );
        }
        const count = numel(shape as number[]);
        return {
          dtype,
          shape: [...(shape as number[])],
          data: decodeElements(bytes.subarray(dataStart + begin, dataStart + end), dtype, count),
        };
      },
    });
  }
  // Two tensors over the same bytes are a lie the format forbids (safetensors itself refuses such files).
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]![0] < spans[i - 1]![1]) {
      headerError(
        file,
        8,
        `tensors '${spans[i - 1]![2]}' and '${spans[i]![2]}' overlap`,
        'The header gives two tensors overlapping byte ranges, which the format forbids.',
        { first: spans[i - 1]![2], second: spans[i]![2] },
      );
    }
  }
  return { format: 'safetensors', file, entries, ...(metadata ? { metadata } : {}) };
}
