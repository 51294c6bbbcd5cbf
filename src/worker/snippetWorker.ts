/**
 * The snippet worker (bundled as dist/snippetWorker.js): runs the shape checker and the value-mode evaluator on the
 * user's Python off the extension host's thread. One long-lived worker takes one job at a time; the host sends the
 * next only when this one has answered, and terminates the worker when a newer edit supersedes the running job.
 * The interpreter's own step and element budgets bound each job; the host gives the worker `resourceLimits`.
 */
import { parentPort } from 'node:worker_threads';
import { LossLensError, type Diagnostic } from '../core/diagnostics';
import { selectTensor } from '../core/io/index';
import { readArchiveFromDisk } from '../files';
import { evaluatorEntries } from '../core/entries';
import { readTensors } from '../core/reader/index';
import { Cancelled, ProgramCache, checkSnippet, evaluateSnippet, type RunControl } from '../core/snippet/index';
import { ModuleCache } from '../core/runtime/index';
import { textsResolver } from '../imports';
import { checkAsJson } from './answerJson';
import type { SnippetAnswers, SnippetJob, SnippetReply, SnippetRequest } from './snippetMessages';

/** A reader's refusal (a LossLensError) as an answer the host shows; anything else is a failure of the job. */
function failing<T>(read: () => T): T | { readonly error: Diagnostic } {
  try {
    return read();
  } catch (e) {
    if (e instanceof LossLensError) return { error: e.diagnostic };
    throw e;
  }
}

/**
 * The imported modules parsed so far, by path and content hash: re-checking an edited file parses only the modules
 * whose text changed. Kept while the worker lives (a worker stopped for a newer edit starts with an empty cache).
 */
const moduleCache = new ModuleCache();

/**
 * The top-level statements parsed so far, by text and position: a check after an edit parses only the statements
 * the edit touched (see `ProgramCache`). Kept while the worker lives; it forgets what recent parses did not use.
 */
const programCache = new ProgramCache();

function answer(request: SnippetRequest, control: RunControl): SnippetAnswers[SnippetRequest['kind']] {
  switch (request.kind) {
    case 'check': {
      const imports = request.imports;
      return checkSnippet(
        request.text,
        {
          ...(request.torchVersion ? { torchVersion: request.torchVersion } : {}),
          programCache,
          ...(imports
            ? {
                imports: {
                  file: imports.file,
                  resolve: textsResolver(new Map(imports.modules.map((m) => [m.path, m.text])), imports.roots),
                  cache: moduleCache,
                },
              }
            : {}),
        },
        control,
      );
    }
    case 'evaluate':
      return evaluateSnippet(request.text, { ...request.options, programCache }, control);
    case 'listArchive':
      return failing(() => {
        const archive = readArchiveFromDisk(request.path, { maxBytes: request.maxBytes });
        return {
          ...archive,
          entries: archive.entries.map((e) => ({ key: e.key, shape: e.shape, dtypeName: e.dtypeName, dtype: e.dtype })),
        };
      });
    case 'loadArchive':
      return failing(() => {
        const archive = readArchiveFromDisk(request.path, { maxBytes: request.maxBytes });
        // A tensor may be a view on the whole file's bytes: a compact copy keeps the answer to its own size.
        return {
          tensors: request.keys.map((key) => {
            const t = selectTensor(archive, key);
            return { dtype: t.dtype, shape: t.shape, data: t.data.slice() };
          }),
        };
      });
    case 'readTensors':
      try {
        return readTensors(request.text, request.origin ? { origin: request.origin } : {});
      } catch (e) {
        if (e instanceof LossLensError) return { error: e.diagnostic };
        throw e;
      }
  }
}

parentPort?.on('message', (job: SnippetJob) => {
  let reply: SnippetReply;
  const cancel = job.cancel;
  const control: RunControl = cancel ? { cancelled: () => Atomics.load(cancel, 0) === job.id } : {};
  try {
    const result = answer(job.request, control);
    const json = job.request.kind === 'check' ? checkAsJson(result as SnippetAnswers['check']) : undefined;
    reply =
      json !== undefined
        ? { type: 'done', id: job.id, json, entries: { ...evaluatorEntries } }
        : { type: 'done', id: job.id, answer: result, entries: { ...evaluatorEntries } };
  } catch (e) {
    reply =
      e instanceof Cancelled
        ? { type: 'cancelled', id: job.id, entries: { ...evaluatorEntries } }
        : {
            type: 'failed',
            id: job.id,
            message: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
            entries: { ...evaluatorEntries },
          };
  }
  try {
    parentPort?.postMessage(reply);
  } catch (e) {
    // An answer that cannot be cloned (a bug): say so rather than leave the host waiting.
    parentPort?.postMessage({
      type: 'failed',
      id: job.id,
      message: `the answer could not be sent: ${e instanceof Error ? e.message : String(e)}`,
      entries: { ...evaluatorEntries },
    } satisfies SnippetReply);
  }
});
