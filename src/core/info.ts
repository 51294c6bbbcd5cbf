/**
 * The information view of cross-entropy against probability targets: per sample, the target's entropy H(p), the KL
 * divergence KL(p‖q) of the prediction q = softmax(x) from it, and the cross-entropy H(p, q), with the identity
 *
 *   H(p, q) = −Σ_c p_c·log q_c = H(p) + KL(p‖q),   H(p) = −Σ_c p_c·log p_c,   KL(p‖q) = Σ_c p_c·(log p_c − log q_c).
 *
 * H(p) does not depend on the logits, so minimising CE and minimising KL move the logits the same way; for one-hot
 * targets H(p) = 0 and CE = KL outright. 0·log 0 counts as 0 (`torch.xlogy`). With label smoothing ε the target is
 * the smoothed one, (1 − ε)·p + ε/C, exactly what cross_entropy uses. Class weights are not part of the identity: the
 * cross-entropy here is the unweighted one.
 */
import { allocate, type DType, type Tensor } from './tensor';

/** Per-sample information terms (natural log, nats). */
export interface InformationTerms {
  /** H(p): the target's entropy. */
  readonly entropy: Float64Array;
  /** KL(p‖q): how far the prediction is from the target. */
  readonly kl: Float64Array;
  /** H(p, q): the cross-entropy, = entropy + kl. */
  readonly crossEntropy: Float64Array;
}

/** The geometry of a [N, C, d1..dk] tensor: classes in dimension 1, `spatial` positions per sample row. */
export interface InformationLayout {
  readonly classes: number;
  /** d1·…·dk (1 without spatial dims). */
  readonly spatial: number;
  /** N·d1·…·dk. */
  readonly samples: number;
}

/** x·log y with 0·log y = 0 (torch.xlogy), so a zero target class adds nothing even where log q is −inf. */
function xlogy(x: number, y: number): number {
  if (x === 0 && !Number.isNaN(y)) return 0;
  return x * Math.log(y);
}

/**
 * H(p), KL(p‖q) and H(p, q) per sample. `target` is laid out like the input ([N, C, d...]); `logQ` holds the
 * log-softmax as [samples, C] rows (what cross_entropy's breakdown carries). `epsilon` > 0 smooths the target first.
 */
export function informationTerms(
  target: ArrayLike<number>,
  logQ: ArrayLike<number>,
  layout: InformationLayout,
  epsilon = 0,
): InformationTerms {
  const { classes: C, spatial: S, samples } = layout;
  const entropy = new Float64Array(samples);
  const kl = new Float64Array(samples);
  const crossEntropy = new Float64Array(samples);
  const smooth = epsilon > 0;
  for (let i = 0; i < samples; i++) {
    const n = Math.floor(i / S);
    const base = n * C * S + (i - n * S);
    let h = 0;
    let d = 0;
    let ce = 0;
    for (let c = 0; c < C; c++) {
      const raw = target[base + c * S]!;
      const p = smooth ? raw * (1 - epsilon) + epsilon / C : raw;
      const lq = logQ[i * C + c]!;
      const plogp = xlogy(p, p);
      h -= plogp;
      // KL's pointwise term is PyTorch's kl_div: p·(log p − log q), 0 where p = 0.
      d += p === 0 ? 0 : plogp - p * lq;
      ce -= p === 0 ? 0 : p * lq;
    }
    entropy[i] = h;
    kl[i] = d;
    crossEntropy[i] = ce;
  }
  return { entropy, kl, crossEntropy };
}

/** The terms as `LossResult.extras` tensors (`entropy`, `kl`, `crossEntropy`) in the loss's dtype and output shape. */
export function informationExtras(
  terms: InformationTerms,
  dtype: DType,
  shape: readonly number[],
): Record<'entropy' | 'kl' | 'crossEntropy', Tensor> {
  const wrap = (values: Float64Array): Tensor => {
    const data = allocate(dtype, values.length);
    data.set(values);
    return { dtype, shape: [...shape], data };
  };
  return { entropy: wrap(terms.entropy), kl: wrap(terms.kl), crossEntropy: wrap(terms.crossEntropy) };
}

/** The largest |H(p, q) − (H(p) + KL(p‖q))| over the samples (0 when there are none; NaN propagates). */
export function identityResidual(terms: Pick<InformationTerms, 'entropy' | 'kl' | 'crossEntropy'>): number {
  let worst = 0;
  for (let i = 0; i < terms.crossEntropy.length; i++) {
    const r = Math.abs(terms.crossEntropy[i]! - (terms.entropy[i]! + terms.kl[i]!));
    if (Number.isNaN(r)) return NaN;
    if (r > worst) worst = r;
  }
  return worst;
}
