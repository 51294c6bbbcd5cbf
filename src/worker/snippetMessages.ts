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

/** What the host asks for: a file check (diagnostics), a value-mode evaluation (hovers, selection), or the tensors. */
export type SnippetRequest =
  | { readonly kind: 'check'; readonly text: string; readonly torchVersion?: TorchVersion }
  | { readonly kind: 'evaluate'; readonly text: string; readonly options: SnippetOptions }
  | { readonly kind: 'readTensors'; readonly text: string; readonly origin?: Origin };

/** The answer to each kind of request. */
export interface SnippetAnswers {
  readonly check: SnippetCheck;
  readonly evaluate: SnippetEvaluation;
  /** The tensors, or the positioned reason there are none (the reader's refusal). */
  readonly readTensors: NamedReadResult[] | { readonly error: Diagnostic };
}

/** Host → worker: one job. */
export interface SnippetJob {
  readonly id: number;
  readonly request: SnippetRequest;
}

/** Worker → host: the job's answer (or why there is none), with the worker's evaluator counts after it. */
export type SnippetReply =
  | {
      readonly type: 'done';
      readonly id: number;
      readonly answer: SnippetAnswers[SnippetRequest['kind']];
      readonly entries: EvaluatorEntries;
    }
  | { readonly type: 'failed'; readonly id: number; readonly message: string; readonly entries: EvaluatorEntries };
