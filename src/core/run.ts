/**
 * Runs one loss on named tensors: resolves the loss by name, checks the arguments the way Python would (missing or
 * unexpected ones), calls the engine, and turns every problem into a placed diagnostic. Shared by the CLI, the
 * extension and the worker.
 */
import { LossLensError, type Diagnostic, type SourceRange } from './diagnostics';
import { findLoss, LOSSES } from './losses/index';
import type { ComputeSettings, LossInputs, LossOptions, LossResult, TorchVersion } from './losses/types';
import type { TensorFile } from './json/tensorFile';
import { asHalfResult } from './losses/torch-semantics';

/** What one run produced: results (zero or one here) and the diagnostics to show. */
export interface RunOutcome {
  readonly results: readonly LossResult[];
  readonly diagnostics: readonly Diagnostic[];
}

/** A request to compute one loss. */
export interface LossRequest {
  readonly loss: string;
  readonly inputs: LossInputs;
  readonly options: LossOptions;
  /** Where the whole computation stands (the loss call, or the file's "loss" key); diagnostics without a better place go here. */
  readonly range?: SourceRange;
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

/** The longest registered name: a name half as long again can never be within the "did you mean" distance. */
const LONGEST_NAME = Math.max(...LOSSES.flatMap((l) => [l.name.length, l.moduleName.length]));

/**
 * The registered loss closest to a misspelt name, if any is close. Bounded work whatever the name: the distance is at
 * least the difference in length, so names of very different length are never compared, and a name too long to be
 * close to any is not compared at all (a 4 MB "loss" string answers at once).
 */
export function suggestLoss(name: string): string | undefined {
  const limit = Math.max(2, Math.floor(name.length / 3));
  if (name.length - LONGEST_NAME > limit) return undefined;
  let best: { name: string; d: number } | undefined;
  for (const l of LOSSES) {
    for (const candidate of [l.name, l.moduleName]) {
      if (Math.abs(candidate.length - name.length) > limit) continue;
      const d = distance(name.toLowerCase(), candidate.toLowerCase());
      if (!best || d < best.d) best = { name: candidate, d };
    }
  }
  return best && best.d <= limit ? best.name : undefined;
}

/** Computes one loss; never throws for bad input (it becomes a diagnostic). `settings.detail: 'summary'` for large inputs. */
export function runLoss(request: LossRequest, settings?: ComputeSettings): RunOutcome {
  const place = request.range ?? { line: 1, column: 1, endLine: 1, endColumn: 1 };
  const def = findLoss(request.loss);
  if (!def) {
    const suggestion = suggestLoss(request.loss);
    // A name of megabytes is not repeated whole in the message.
    const shown = request.loss.length > 100 ? `${request.loss.slice(0, 100)}…` : request.loss;
    return {
      results: [],
      diagnostics: [
        {
          ...place,
          severity: 'error',
          code: 'loss/unknown',
          message: `Unknown loss "${shown}".`,
          explanation: 'Loss Lens knows the torch.nn losses by their functional name (cross_entropy) or module name (CrossEntropyLoss).',
          hint: suggestion ? `Did you mean "${suggestion}"?` : `Use one of: ${LOSSES.map((l) => l.name).join(', ')}.`,
          data: { loss: shown, suggestion: suggestion ?? '' },
        },
      ],
    };
  }
  const missing = def.inputs.filter((k) => !(k in request.inputs) && !(def.optionalInputs ?? []).includes(k));
  if (missing.length > 0) {
    const plural = missing.length > 1 ? 's' : '';
    return {
      results: [],
      diagnostics: [
        {
          ...place,
          severity: 'error',
          code: 'loss/missing-argument',
          message: `TypeError: ${def.name}() missing ${missing.length} required positional argument${plural}: ${missing.map((m) => `'${m}'`).join(' and ')}`,
          explanation: `${def.moduleName} needs the tensors ${def.inputs.join(', ')}.`,
          hint: `Add ${missing.map((m) => `"${m}"`).join(', ')}.`,
          data: { loss: def.name, missing: missing.join(', ') },
        },
      ],
    };
  }
  for (const key of [...Object.keys(request.inputs), ...Object.keys(request.options)]) {
    // Own properties only: `toString` or `__proto__` is no more a parameter than `foo` is.
    if (!def.inputs.includes(key) && !Object.hasOwn(def.defaults, key)) {
      return {
        results: [],
        diagnostics: [
          {
            ...place,
            severity: 'error',
            code: 'loss/unexpected-argument',
            message: `TypeError: ${def.name}() got an unexpected keyword argument '${key}'`,
            explanation: `${def.moduleName} has no parameter named ${key}.`,
            hint: `Its parameters are ${[...def.inputs, ...Object.keys(def.defaults)].join(', ')}.`,
            data: { loss: def.name, key },
          },
        ],
      };
    }
  }
  try {
    const result = asHalfResult(def.compute(request.inputs, request.options, settings));
    return { results: [result], diagnostics: result.warnings.map((w) => ({ ...w, ...place })) };
  } catch (e) {
    if (e instanceof LossLensError) {
      const d = e.diagnostic;
      // The engine does not know where the call stands; an error without a place gets the call's place.
      const placed = d.line === 1 && d.column === 1 && d.endColumn === 1 ? { ...d, ...place } : d;
      return { results: [], diagnostics: [placed] };
    }
    // A bug in Loss Lens must not take down the editor or print a stack trace instead of an answer.
    return {
      results: [],
      diagnostics: [
        {
          ...place,
          severity: 'error',
          code: 'internal/error',
          message: `Loss Lens failed while computing ${def.name}: ${e instanceof Error ? e.message : String(e)}`,
          explanation: 'This is a bug in Loss Lens, not in your code.',
          hint: 'Please report it with the input that caused it.',
        },
      ],
    };
  }
}

/**
 * Computes the loss a tensor file describes, with optional overrides from the command line. The torch version is the
 * override's (`--torch`), else the file's `"torch"`, else `settings.torchVersion` (the user's setting).
 */
export function runTensorFile(
  file: TensorFile,
  overrides: { loss?: string; reduction?: string; torchVersion?: TorchVersion } = {},
  settings?: ComputeSettings,
): RunOutcome {
  const loss = overrides.loss ?? file.loss;
  if (!loss) {
    return {
      results: [],
      diagnostics: [
        {
          line: 1,
          column: 1,
          endLine: 1,
          endColumn: 2,
          severity: 'error',
          code: 'json/no-loss',
          message: 'The file names no loss.',
          explanation: 'Loss Lens needs to know which loss to compute.',
          hint: 'Add "loss": "cross_entropy" to the file, or pass --loss NAME.',
        },
      ],
    };
  }
  const options = overrides.reduction ? { ...file.options, reduction: overrides.reduction } : file.options;
  const torchVersion = overrides.torchVersion ?? file.torchVersion ?? settings?.torchVersion;
  return runLoss(
    { loss, inputs: file.inputs, options, ...(file.lossRange ? { range: file.lossRange } : {}) },
    { ...settings, ...(torchVersion ? { torchVersion } : {}) },
  );
}
