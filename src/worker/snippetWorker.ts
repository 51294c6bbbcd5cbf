/**
 * The snippet worker (bundled as dist/snippetWorker.js): runs the shape checker and the value-mode evaluator on the
 * user's Python off the extension host's thread. One long-lived worker takes one job at a time; the host sends the
 * next only when this one has answered, and terminates the worker when a newer edit supersedes the running job.
 * The interpreter's own step and element budgets bound each job; the host gives the worker `resourceLimits`.
 */
import { parentPort } from 'node:worker_threads';
import { LossLensError } from '../core/diagnostics';
import { evaluatorEntries } from '../core/entries';
import { readTensors } from '../core/reader/index';
import { checkSnippet, evaluateSnippet } from '../core/snippet/index';
import type { SnippetAnswers, SnippetJob, SnippetReply, SnippetRequest } from './snippetMessages';

function answer(request: SnippetRequest): SnippetAnswers[SnippetRequest['kind']] {
  switch (request.kind) {
    case 'check':
      return checkSnippet(request.text, request.torchVersion ? { torchVersion: request.torchVersion } : {});
    case 'evaluate':
      return evaluateSnippet(request.text, request.options);
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
  try {
    reply = { type: 'done', id: job.id, answer: answer(job.request), entries: { ...evaluatorEntries } };
  } catch (e) {
    reply = {
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
