/**
 * The messages between the extension host and the snippet worker (src/worker/snippetWorker.ts, bundled as
 * dist/snippetWorker.js): the user's Python goes in as text, the checker's or the evaluator's answer comes back.
 */
import type { Diagnostic } from '../core/diagnostics';
import type { EvaluatorEntries } from '../core/entries';
import type { Origin } from '../core/python/lexer';
import type { NamedReadResult } from '../core/reader/index';
import type { SnippetCheck, SnippetEvaluation, SnippetOptions } from '../core/snippet/index';
import type { TorchVersion } from '../core/losses/types';
import type { TensorArchive, TensorInfo } from '../core/io/index';
import type { Tensor } from '../core/tensor';

/** A tensor file as the host sees it before it asks for data. */
export interface ArchiveListing extends Omit<TensorArchive, 'entries'> {
  readonly entries: readonly TensorInfo[];
}

/** What the host asks for: a file check (diagnostics), a value-mode evaluation (hovers, selection), or the tensors. */
export type SnippetRequest =
  | {
      readonly kind: 'check';
      readonly text: string;
      readonly torchVersion?: TorchVersion;
      /**
       * The workspace modules the file imports (read by the host: open documents' text, else the file on disk), the
       * file's path and the import roots (the workspace folders); absent outside a workspace.
       */
      readonly imports?: {
        readonly file: string;
        readonly roots: readonly string[];
        readonly modules: readonly { readonly path: string; readonly text: string }[];
      };
    }
  | { readonly kind: 'evaluate'; readonly text: string; readonly options: SnippetOptions }
  | { readonly kind: 'readTensors'; readonly text: string; readonly origin?: Origin }
  /** A tensor file's tensors without their data (the file is read and parsed in the worker). */
  | { readonly kind: 'listArchive'; readonly path: string; readonly maxBytes: number }
  /** The data of some tensors of a tensor file, by key. */
  | {
      readonly kind: 'loadArchive';
      readonly path: string;
      readonly maxBytes: number;
      readonly keys: readonly string[];
    };

/** The answer to each kind of request. */
export interface SnippetAnswers {
  readonly check: SnippetCheck;
  readonly evaluate: SnippetEvaluation;
  /** The tensors, or the positioned reason there are none (the reader's refusal). */
  readonly readTensors: NamedReadResult[] | { readonly error: Diagnostic };
  /** The file's tensors (no data), or why it cannot be read. */
  readonly listArchive: ArchiveListing | { readonly error: Diagnostic };
  /** The tensors asked for, in the order of the keys, or why one cannot be read. */
  readonly loadArchive: { readonly tensors: readonly Tensor[] } | { readonly error: Diagnostic };
}

/** Host → worker: one job. */
export interface SnippetJob {
  readonly id: number;
  readonly request: SnippetRequest;
  /**
   * Shared with the host (one Int32 on a SharedArrayBuffer): the host stores a job's id there to ask the worker to
   * stop that job. The interpreter polls it (see `RunControl`), so a superseded run ends within a few thousand steps
   * and the worker, warm, takes the next job.
   */
  readonly cancel?: Int32Array;
}

/** Worker → host: the job's answer (or why there is none), with the worker's evaluator counts after it. */
export type SnippetReply =
  | {
      readonly type: 'done';
      readonly id: number;
      readonly answer: SnippetAnswers[SnippetRequest['kind']];
      readonly entries: EvaluatorEntries;
    }
  /** A file check's answer as JSON text (see `answerJson.ts`): the host reads it faster than a structured clone. */
  | { readonly type: 'done'; readonly id: number; readonly json: string; readonly entries: EvaluatorEntries }
  | { readonly type: 'failed'; readonly id: number; readonly message: string; readonly entries: EvaluatorEntries }
  /** The job stopped early because the host asked (through {@link SnippetJob.cancel}): no answer. */
  | { readonly type: 'cancelled'; readonly id: number; readonly entries: EvaluatorEntries };
