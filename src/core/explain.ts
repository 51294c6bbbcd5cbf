/**
 * "Explain PyTorch Error": recognises a pasted PyTorch loss error message and says, in plain words, why it happens
 * and how to fix it. Pure pattern matching over PyTorch 1.13's texts (see the loss engine's errors for the same texts).
 */

/** What Loss Lens knows about one error message. */
export interface ErrorExplanation {
  /** Stable code, shared with the engine's diagnostics where the engine raises the same error. */
  readonly code: string;
  /** The part of the pasted text that was recognised. */
  readonly matched: string;
  readonly cause: string;
  readonly fix: string;
  /** Values pulled out of the message (shapes, dtypes, indices), for localized rendering. */
  readonly data: Readonly<Record<string, string>>;
}

interface Pattern {
  readonly code: string;
  readonly re: RegExp;
  readonly explain: (m: RegExpExecArray) => { cause: string; fix: string; data?: Record<string, string> };
}

const PATTERNS: readonly Pattern[] = [
  {
    code: 'loss/target-size',
    re: /Expected target size \[([\d, ]+)\], got \[([\d, ]+)\]/,
    explain: (m) => ({
      cause: `CrossEntropyLoss/NLLLoss read the classes from dim 1 of the input, so it expected targets of shape [${m[1]}] but got [${m[2]}]. This usually means the class dimension is last, e.g. [N, S, C] logits from an embedding or a transformer.`,
      fix: 'Move the classes to dim 1 with logits.permute(0, 2, 1), or flatten both: loss_fn(logits.reshape(-1, C), target.reshape(-1)).',
      data: { expected: m[1]!, got: m[2]! },
    }),
  },
  {
    code: 'loss/size-mismatch',
    re: /size mismatch \(got input: \[([\d, ]+)\] ?, target: \[([\d, ]+)\]/,
    explain: (m) => ({
      cause: `The input [${m[1]}] and the target [${m[2]}] do not line up: for [N, C, d1, ...] inputs the target must be [N, d1, ...] (class indices), or the same shape as the input (probabilities).`,
      fix: 'Check which dimension holds the classes; permute it to dim 1, or squeeze a stray dimension from the target.',
      data: { input: m[1]!, target: m[2]! },
    }),
  },
  {
    code: 'loss/batch-size',
    re: /Expected input batch_size \((\d+)\) to match target batch_size \((\d+)\)/,
    explain: (m) => ({
      cause: `The input has ${m[1]} samples but the target has ${m[2]}. Often the logits were flattened ([N*S, C]) and the targets were not, or a view() mixed up the batch.`,
      fix: 'Give both the same first dimension: flatten the targets the same way (target.reshape(-1)) or do not flatten the logits.',
      data: { input: m[1]!, target: m[2]! },
    }),
  },
  {
    code: 'loss/multi-target',
    re: /0D or 1D target tensor expected, multi-target not supported/,
    explain: () => ({
      cause: 'The target has an extra dimension, typically [N, 1] class indices (from a DataFrame column or labels.unsqueeze(1)), or one-hot [N, C] integer targets.',
      fix: 'Use target.squeeze(1) for [N, 1]; for one-hot targets use target.argmax(1), or pass them as floats (.float()) to use class probabilities.',
    }),
  },
  {
    code: 'loss/target-dtype',
    re: /expected scalar type (\w+) but found (\w+)/,
    explain: (m) => ({
      cause: `The tensor has dtype ${m[2]} where PyTorch needs ${m[1]}. Class indices for CrossEntropyLoss/NLLLoss must be int64 (Long); float or int32 labels come from numpy arrays or from arithmetic on labels.`,
      fix: m[1] === 'Long' ? 'Convert the targets with target.long().' : `Convert with .to(torch.${m[1]!.toLowerCase()}) or .float().`,
      data: { expected: m[1]!, found: m[2]! },
    }),
  },
  {
    code: 'loss/target-dtype',
    re: /"nll_loss\w*" not implemented for '(\w+)'/,
    explain: (m) => ({
      cause: `On CUDA, class indices of dtype ${m[1]} are rejected: they must be int64 (Long).`,
      fix: 'Convert the targets with target.long().',
      data: { found: m[1]! },
    }),
  },
  {
    code: 'loss/probability-target-dtype',
    re: /Expected floating point type for target with class probabilities, got (\w+)/,
    explain: (m) => ({
      cause: `The target has the same shape as the input, so PyTorch reads it as class probabilities, but it is ${m[1]}. One-hot integer targets trip this.`,
      fix: 'Use target.float() to keep probabilities, or target.argmax(dim=1) to pass class indices.',
      data: { found: m[1]! },
    }),
  },
  {
    code: 'loss/index-out-of-bounds',
    re: /Target (-?\d+) is out of bounds/,
    explain: (m) => ({
      cause: `A class index ${m[1]} is not in [0, C-1]. Labels that start at 1, a wrong number of output units, or a padding value other than ignore_index cause it.`,
      fix: 'Make the model output one logit per class (C > max label), shift 1-based labels with target - 1, or set ignore_index to your padding value.',
      data: { index: m[1]! },
    }),
  },
  {
    code: 'loss/index-out-of-bounds',
    re: /t >= 0 && t < n_classes/,
    explain: () => ({
      cause: 'On CUDA, a class index outside [0, C-1] triggers this device-side assert (CPU says "Target k is out of bounds").',
      fix: 'Check target.min() and target.max() against the number of classes; run on CPU to see the offending index.',
    }),
  },
  {
    code: 'loss/weight-size',
    re: /weight tensor should be defined either for all (\d+) classes or no classes but got weight tensor of shape: \[([\d, ]*)\]/,
    explain: (m) => ({
      cause: `There are ${m[1]} classes but the weight tensor has shape [${m[2]}]. Class weights need exactly one entry per class.`,
      fix: `Give ${m[1]} weights, in class-index order.`,
      data: { classes: m[1]!, shape: m[2]! },
    }),
  },
  {
    code: 'loss/ignore-index-probabilities',
    re: /ignore_index is not supported for floating point target/,
    explain: () => ({
      cause: 'Float targets are read as class probabilities, which have no single class to ignore.',
      fix: 'Pass class indices (target.long()) to use ignore_index, or mask the samples yourself.',
    }),
  },
  {
    code: 'loss/label-smoothing-range',
    re: /label_smoothing must be between 0\.0 and 1\.0\. Got: ([-\d.e]+)/,
    explain: (m) => ({
      cause: `label_smoothing is the share of the target moved to the uniform distribution, so it lies in [0, 1]; ${m[1]} is outside.`,
      fix: 'Use a small value such as 0.1.',
      data: { value: m[1]! },
    }),
  },
  {
    code: 'loss/invalid-reduction',
    re: /(\S+) is not a valid value for reduction/,
    explain: (m) => ({
      cause: `reduction must be 'none', 'mean' or 'sum' ('batchmean' for KLDivLoss); got ${m[1]}.`,
      fix: "Use reduction='mean'.",
      data: { value: m[1]! },
    }),
  },
  {
    code: 'loss/bce-input-range',
    re: /all elements of input should be between 0 and 1/,
    explain: () => ({
      cause: 'BCELoss takes probabilities, but the input has values outside [0, 1]: these are logits (no sigmoid was applied).',
      fix: 'Use nn.BCEWithLogitsLoss on the logits (more stable), or apply torch.sigmoid first.',
    }),
  },
  {
    code: 'loss/bce-target-range',
    re: /all elements of target should be between 0 and 1/,
    explain: () => ({
      cause: 'BCE targets are probabilities in [0, 1]; some are outside (class indices like 2, or -1 labels).',
      fix: 'Map the labels to 0/1, or use CrossEntropyLoss for more than two classes.',
    }),
  },
  {
    code: 'loss/target-dtype',
    re: /Found dtype (\w+) but expected (\w+)/,
    explain: (m) => ({
      cause: `The target has dtype ${m[1]} but BCELoss needs ${m[2]} targets (the same dtype as the input).`,
      fix: 'Convert the targets with target.float().',
      data: { found: m[1]!, expected: m[2]! },
    }),
  },
  {
    code: 'loss/target-dtype',
    re: /result type (\w+) can't be cast to the desired output type (\w+)/,
    explain: (m) => ({
      cause: `BCEWithLogitsLoss got ${m[2]} targets; the result is ${m[1]} and cannot be written into an integer tensor.`,
      fix: 'Convert the targets with target.float().',
      data: { result: m[1]!, target: m[2]! },
    }),
  },
  {
    code: 'loss/bce-size',
    re: /Using a target size \((torch\.Size\(\[[\d, ]*\]\))\) that is different to the input size \((torch\.Size\(\[[\d, ]*\]\))\) is deprecated/,
    explain: (m) => ({
      cause: `BCELoss needs the target shaped like the input: target ${m[1]} vs input ${m[2]}.`,
      fix: 'Reshape one to match, e.g. input.squeeze(1) for [N, 1] outputs, or target.unsqueeze(1).',
      data: { target: m[1]!, input: m[2]! },
    }),
  },
  {
    code: 'loss/bce-size',
    re: /Target size \((torch\.Size\(\[[\d, ]*\]\))\) must be the same as input size \((torch\.Size\(\[[\d, ]*\]\))\)/,
    explain: (m) => ({
      cause: `BCEWithLogitsLoss needs the target shaped like the input: target ${m[1]} vs input ${m[2]}. Class indices given to a multi-label loss cause this.`,
      fix: 'For single-label multi-class data use CrossEntropyLoss; for multi-label data pass one 0/1 column per class (F.one_hot(target, C).float()).',
      data: { target: m[1]!, input: m[2]! },
    }),
  },
  {
    code: 'warn/broadcast',
    re: /Using a target size \((torch\.Size\(\[[\d, ]*\]\))\) that is different to the input size \((torch\.Size\(\[[\d, ]*\]\))\)\. This will likely lead to incorrect results due to broadcasting/,
    explain: (m) => ({
      cause: `The target ${m[1]} and the input ${m[2]} broadcast to a bigger tensor (e.g. [N, 1] with [N] becomes [N, N]), so every prediction is compared with every target. The loss is silently wrong.`,
      fix: 'Make the shapes equal: output.squeeze(1) or target.unsqueeze(1).',
      data: { target: m[1]!, input: m[2]! },
    }),
  },
  {
    code: 'loss/not-implemented-dtype',
    re: /"(\w+)" not implemented for '(\w+)'/,
    explain: (m) => ({
      cause: `${m[1]} has no kernel for ${m[2]} tensors: regression losses need floating point inputs.`,
      fix: 'Convert both tensors with .float().',
      data: { kernel: m[1]!, dtype: m[2]! },
    }),
  },
  {
    code: 'loss/cosine-dims',
    re: /1D target tensor expects 2D input tensors, but found inputs with sizes \[([\d, ]*)\] and \[([\d, ]*)\]/,
    explain: (m) => ({
      cause: `A batch of targets ([N]) needs a batch of vectors ([N, D]), but the inputs are [${m[1]}] and [${m[2]}].`,
      fix: 'Add the batch dimension with input.unsqueeze(0), or pass a 0-d target for a single pair.',
      data: { a: m[1]!, b: m[2]! },
    }),
  },
  {
    code: 'warn/kl-mean',
    re: /reduction: 'mean' divides the total loss by both the batch size and the support size/,
    explain: () => ({
      cause: "KLDivLoss with reduction='mean' averages over every element, which is not the KL divergence.",
      fix: "Use reduction='batchmean'.",
    }),
  },
];

/** Explains every known PyTorch loss error found in the text (several if a traceback holds several). */
export function explainError(text: string): ErrorExplanation[] {
  const found: ErrorExplanation[] = [];
  for (const p of PATTERNS) {
    const m = p.re.exec(text);
    if (!m) continue;
    // The warning and error about target sizes share a prefix; the more specific pattern earlier in the list wins.
    if (found.some((f) => f.matched === m[0] || f.matched.includes(m[0]) || m[0].includes(f.matched))) continue;
    const e = p.explain(m);
    found.push({ code: p.code, matched: m[0], cause: e.cause, fix: e.fix, data: e.data ?? {} });
  }
  return found;
}
