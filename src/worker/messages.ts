/**
 * The messages between the extension host and the loss worker (src/worker/lossWorker.ts, bundled as dist/worker.js).
 * One job at a time per worker (a kept worker runs one after another): the host posts a {@link WorkerJob}, the worker
 * posts progress and then one answer, with the buffers of its typed arrays transferred, not copied. No `vscode` here:
 * both sides import it.
 */
import type { Diagnostic, SourceRange } from '../core/diagnostics';
import type { LossInputs, LossOptions, LossResult, TorchVersion } from '../core/losses/types';
import type { LossSummary } from '../core/report/summary';

/** Where the tensors come from. */
export type WorkerSource =
  /** A JSON tensor file on disk (its `{"npy": …}` tensors are read relative to it). */
  | { readonly kind: 'json'; readonly path: string }
  /** A JSON tensor file the host read (a non-file workspace); `bytes` is transferred. */
  | { readonly kind: 'jsonBytes'; readonly path: string; readonly bytes: Uint8Array }
  /** .npy files: the input and, optionally, the target. */
  | { readonly kind: 'npy'; readonly input: string; readonly target?: string }
  /** Tensors inside .pt/.safetensors/.npz/.npy files, by path and key (`''` = the file's only tensor). */
  | {
      readonly kind: 'tensorFiles';
      readonly input: { readonly path: string; readonly key: string };
      readonly target?: { readonly path: string; readonly key: string };
    };

/** host → worker: read, parse and compute. */
export interface WorkerJob {
  readonly source: WorkerSource;
  /** The loss to compute; the file's own when absent. */
  readonly loss?: string;
  /** Options replacing the file's (a what-if change). */
  readonly options?: LossOptions;
  /** Send the tensors back (the first computation; a what-if recomputation keeps the host's). */
  readonly returnInputs: boolean;
  /**
   * The host already holds the tensors of this `json` source as a previous job read them, at this `stamp`: when the
   * file still has it, the answer leaves `inputs` out and the host shows its own (no second copy of a large input).
   */
  readonly heldStamp?: string;
  /** Whose PyTorch to reproduce when the file has no `"torch"` (the lossLens.torchVersion setting). */
  readonly torchVersion?: TorchVersion;
  /**
   * What the worker may read: the size limit for every file, and the folder the files a JSON file names must be in
   * (absent: anywhere). Without it, the command line's defaults (named files beside the JSON file).
   */
  readonly limits?: { readonly maxBytes: number; readonly root?: string };
}

/** What the file said besides its tensors. */
export interface WorkerFileInfo {
  readonly loss?: string;
  readonly lossRange?: SourceRange;
  readonly classes?: readonly string[];
  readonly options: LossOptions;
}

/** worker → host. */
export type WorkerMessage =
  /** worker → host: how far it is; `fraction` of the phase in [0, 1]. */
  | { readonly type: 'progress'; readonly phase: 'read' | 'compute'; readonly fraction: number }
  /**
   * worker → host: the answer. `results` hold summary-mode results (no tensor the size of the input); an empty
   * `results` with a `json/no-loss` diagnostic means the file names no loss and the job gave none.
   */
  | {
      readonly type: 'done';
      readonly file: WorkerFileInfo;
      readonly results: readonly LossResult[];
      /** Each result's summary (worst samples, histogram, classes), computed here rather than on the host. */
      readonly summaries: readonly LossSummary[];
      readonly diagnostics: readonly Diagnostic[];
      readonly inputs?: LossInputs;
      /**
       * What identifies the bytes of a `json` source as read (its size, times and inode): present when the file did
       * not change while it was read and names no other file. Equal stamps, equal tensors.
       */
      readonly stamp?: string;
      /** The worker computed from the tensors it kept from reading the unchanged file before: no read, no parse. */
      readonly fromKept?: true;
      /** Milliseconds spent reading and computing, for the log. */
      readonly readMs: number;
      readonly computeMs: number;
      /** The job's large file reads: into buffers from the worker's pool, or freshly allocated (for the log). */
      readonly readBuffers?: { readonly reused: number; readonly allocated: number };
    }
  /** worker → host: the file could not be read or parsed (a positioned diagnostic when it is the file's fault). */
  | { readonly type: 'failed'; readonly message: string; readonly diagnostic?: Diagnostic };
