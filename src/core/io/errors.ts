/**
 * Errors of the binary readers (.pt, .safetensors, .npz): placed at the byte they concern, like the .npy reader's
 * (line 1, column = byte offset + 1, since a binary file has no lines; `data.offset` = the offset).
 */
import { LossLensError } from '../diagnostics';

/** A reader's error at byte `offset` of `file` (the file's name, or `archive.npz/x.npy` for a member). */
export function binaryError(
  file: string,
  offset: number,
  code: string,
  message: string,
  explanation: string,
  hint: string,
  data: Record<string, string | number> = {},
): LossLensError {
  return new LossLensError({
    code,
    message: `${file} (byte ${offset}): ${message}`,
    explanation,
    hint,
    line: 1,
    column: offset + 1,
    endLine: 1,
    endColumn: offset + 2,
    data: { file, offset, ...data },
  });
}

/** Limits that keep a hostile or damaged file from exhausting memory or time. */
export interface ReadLimits {
  /** The most bytes one member may inflate to (a zip bomb stops here). */
  readonly maxInflatedBytes: number;
  /** The most bytes the pickle of a .pt file (`data.pkl`) or a safetensors JSON header may take. */
  readonly maxHeaderBytes: number;
}

/** 2 GiB inflated per member, 64 MiB of pickle or header: far above any real tensor file's metadata. */
export const DEFAULT_LIMITS: ReadLimits = { maxInflatedBytes: 2 ** 31, maxHeaderBytes: 64 * 2 ** 20 };
