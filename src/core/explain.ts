/**
 * "Explain PyTorch Error": recognises a pasted PyTorch loss error message and says, in plain words, why it happens
 * and how to fix it. Pure pattern matching over PyTorch's texts, 1.13's and 2.x's (see the loss engine's errors for the
 * same texts), and the CUDA variants people paste.
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
      cause:
        'The target has an extra dimension, typically [N, 1] class indices (from a DataFrame column or labels.unsqueeze(1)), or one-hot [N, C] integer targets.',
      fix: 'Use target.squeeze(1) for [N, 1]; for one-hot targets use target.argmax(1), or pass them as floats (.float()) to use class probabilities.',
    }),
  },
  {
    code: 'loss/target-dtype',
    re: /expected scalar type (\w+) but found (\w+)/,
    explain: (m) => ({
      cause: `The tensor has dtype ${m[2]} where PyTorch needs ${m[1]}. Class indices for CrossEntropyLoss/NLLLoss must be int64 (Long); float or int32 labels come from numpy arrays or from arithmetic on labels.`,
      fix:
        m[1] === 'Long'
          ? 'Convert the targets with target.long().'
          : `Convert with .to(torch.${m[1]!.toLowerCase()}) or .float().`,
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
    code: 'loss/target-dtype',
    re: /expected target dtype to be Long or Byte, but got (\w+)/,
    explain: (m) => ({
      cause: `PyTorch 2.x reads class indices from the target, which must be int64 (Long) or uint8 (Byte); it is ${m[1]}. Float or int32 labels come from numpy arrays or from arithmetic on labels.`,
      fix: 'Convert the targets with target.long().',
      data: { found: m[1]! },
    }),
  },
  {
    code: 'loss/target-size',
    re: /For 1D input, 1D target must have size 1, but got target size: (\d+)/,
    explain: (m) => ({
      cause: `A 1-D input is one sample's class scores, so the target must be one class index, but it has ${m[1]} entries. Usually the batch dimension of the input was lost.`,
      fix: 'Give the input its batch dimension [N, C] (input.unsqueeze(0) for one sample), or pass one index: target[0].',
      data: { size: m[1]! },
    }),
  },
  {
    code: 'loss/multi-margin-target-size',
    re: /(?:multi_margin_loss: target tensor should be 1-D with size equal to the number of input samples \(batch size\)\. Expected target size \[(\d*)\], but got \[([\d, ]*)\]|inconsistent target size, got: \[([\d, ]*)\])/,
    explain: (m) => ({
      cause: `MultiMarginLoss takes one class index per sample: a 1-D target of the batch size${m[1] ? ` [${m[1]}]` : ''}, but it got [${m[2] ?? m[3]}]. One-hot or [N, 1] targets cause this.`,
      fix: 'Pass class indices of shape [N]: target.argmax(dim=1) for one-hot rows, target.squeeze(1) for [N, 1].',
      data: { expected: m[1] ?? '', got: m[2] ?? m[3] ?? '' },
    }),
  },
  {
    code: 'loss/multilabel-target-size',
    re: /(?:inconsistent target size: \[([\d, ]*)\] for input of size: \[([\d, ]*)\]|inconsistent size \[([\d, ]*)\] for argument #2 'target')/,
    explain: (m) => ({
      cause: `MultiLabelMarginLoss needs the target shaped like the input (class indices padded with -1), but the target is [${m[1] ?? m[3]}]${m[2] ? ` and the input [${m[2]}]` : ''}.`,
      fix: "Give the target the input's shape: the label indices first, then -1 for the rest of each row.",
      data: { target: m[1] ?? m[3] ?? '', input: m[2] ?? '' },
    }),
  },
  {
    code: 'loss/weight-size',
    re: /inconsistent weight size, expected (\d+) but got \[([\d, ]*)\]/,
    explain: (m) => ({
      cause: `There are ${m[1]} classes but the weight has shape [${m[2]}]. Class weights need exactly one entry per class (PyTorch 1.13 silently used the first ones).`,
      fix: `Give ${m[1]} weights, in class-index order.`,
      data: { classes: m[1]!, shape: m[2]! },
    }),
  },
  {
    code: 'loss/margin-not-positive',
    re: /margin must be greater than 0, got (\S+)/,
    explain: (m) => ({
      cause: `Since PyTorch 2.0 the triplet losses need a positive margin; it is ${m[1]}. With margin ≤ 0 the loss is zero as soon as the negative is no closer than the positive, so nothing is learned.`,
      fix: 'Use a positive margin, e.g. margin=1.0 (the default) or margin=0.2 for normalised embeddings.',
      data: { margin: m[1]! },
    }),
  },
  {
    code: 'loss/triplet-dims',
    re: /(?:The anchor, positive, and negative tensors are expected to have the same number of dimensions, but got: anchor (\d+)D, positive (\d+)D, and negative (\d+)D inputs|All inputs should have same dimension but got (\d+)D, (\d+)D and (\d+)D inputs)/,
    explain: (m) => ({
      cause: `The anchor, positive and negative embeddings must all be [N, D] (or all [D]); they are ${m[1] ?? m[4]}-D, ${m[2] ?? m[5]}-D and ${m[3] ?? m[6]}-D.`,
      fix: 'Give the three embeddings the same shape, e.g. with .unsqueeze(0) on a single vector.',
      data: { anchor: m[1] ?? m[4] ?? '', positive: m[2] ?? m[5] ?? '', negative: m[3] ?? m[6] ?? '' },
    }),
  },
  {
    code: 'loss/var-size',
    re: /var is of incorrect size/,
    explain: () => ({
      cause:
        'GaussianNLLLoss needs one variance per prediction (var shaped like the input), one per sample ([N] or [N, 1]), or, in PyTorch 2.x, a var that differs from the input only in one dimension of size 1.',
      fix: "Give var the input's shape, or [N, 1] for one variance per sample.",
    }),
  },
  {
    code: 'loss/var-negative',
    re: /var has negative entry\/entries/,
    explain: () => ({
      cause:
        "A Gaussian's variance is never negative, but var has negative entries: a raw network output was used as the variance.",
      fix: 'Predict log-variance and pass var = exp(log_var), or pass softplus(output).',
    }),
  },
  {
    code: 'loss/ctc-empty',
    re: /log_probs tensor must not be empty/,
    explain: () => ({
      cause:
        'PyTorch 2.x refuses ctc_loss on a log_probs tensor without elements: no time steps, an empty batch or no classes.',
      fix: 'Check that the model produced at least one time step for at least one sample.',
    }),
  },
  {
    code: 'loss/weight-shape',
    re: /Attempting to broadcast a dimension of length (\d+) at (-?\d+)! Mismatching argument at index 1 had torch\.Size\(\[([\d, ]*)\]\); but expected shape should be broadcastable to \[([\d, ]*)\]/,
    explain: (m) => ({
      cause: `BCELoss stretches weight to the input's shape [${m[4]}], and a weight of shape [${m[3]}] cannot be stretched to it.`,
      fix: "Give weight the input's shape, or one weight per element of its last dimension.",
      data: { weight: m[3]!, input: m[4]! },
    }),
  },
  {
    code: 'loss/not-implemented-dtype',
    re: /"(log_sigmoid_cpu|log_softmax\w*|softmax\w*)" not implemented for '(\w+)'/,
    explain: (m) => ({
      cause:
        m[2] === 'Half' || m[2] === 'BFloat16'
          ? `The input is ${m[2]}, and PyTorch 1.13 has no CPU ${m[1]} kernel for half precision (PyTorch 2.x has one).`
          : `The input (the logits) is ${m[2]}, and ${m[1]} is computed for floating-point tensors only. Integer logits usually come from a literal written without decimal points.`,
      fix: 'Convert the input with input.float().',
      data: { kernel: m[1]!, dtype: m[2]! },
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
      cause:
        'On CUDA, a class index outside [0, C-1] triggers this device-side assert (CPU says "Target k is out of bounds").',
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
      cause:
        'BCELoss takes probabilities, but the input has values outside [0, 1]: these are logits (no sigmoid was applied).',
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
    code: 'loss/cosine-dims',
    re: /0D target tensor expects 1D input tensors, but found inputs with sizes \[([\d, ]*)\] and \[([\d, ]*)\]/,
    explain: (m) => ({
      cause: `A single target (0-d) compares a single pair of vectors ([D]), but the inputs are [${m[1]}] and [${m[2]}].`,
      fix: 'Give both inputs the shape [D] for one pair, or batch them as [N, D] with a target of shape [N].',
      data: { a: m[1]!, b: m[2]! },
    }),
  },
  {
    code: 'loss/device-side-assert',
    re: /CUDA error: device-side assert triggered/,
    explain: () => ({
      cause:
        'A CUDA kernel checked something and failed; CUDA reports it later and without the reason. In a loss it is almost always a class index outside [0, C-1].',
      fix: 'Re-run with CUDA_LAUNCH_BLOCKING=1 or on the CPU to see the real error, and check target.min() and target.max() against the number of classes.',
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
