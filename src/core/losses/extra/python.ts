/**
 * Python for the "Copy PyTorch snippet" export of the losses beyond torch.nn: `torch.nn.functional` has none of them,
 * so the snippet imports torchvision's function or defines the reference implementation, the same code the fixture
 * generator (scripts/fixtures/gen_extra.py) checks Loss Lens against.
 */

/** How a snippet calls one of these losses. */
export interface PythonLoss {
  /** Import lines after `import torch` / `import torch.nn.functional as F`. */
  readonly imports: readonly string[];
  /** A `def` to paste before the tensors, when the loss is not importable. */
  readonly definition?: string;
  /** The callee: `sigmoid_focal_loss`, `symmetric_cross_entropy`… */
  readonly call: string;
}

const SYMMETRIC_CROSS_ENTROPY = `def symmetric_cross_entropy(input, target, alpha=0.1, beta=1.0, eps=1e-4, pred_min=1e-7, reduction='mean'):
    ce = F.cross_entropy(input, target, reduction='none')
    pred = F.softmax(input, dim=1)
    pred = torch.clamp(pred, min=pred_min, max=1.0)
    label_one_hot = F.one_hot(target, input.size(1)).to(pred.dtype)
    label_one_hot = torch.clamp(label_one_hot, min=eps, max=1.0)
    rce = -1 * torch.sum(pred * torch.log(label_one_hot), dim=1)
    loss = alpha * ce + beta * rce
    return loss if reduction == 'none' else loss.sum() if reduction == 'sum' else loss.mean()`;

const LABEL_SMOOTHING_CLAMP = `def label_smoothing_clamp(input, target, epsilon=0.1, reduction='mean'):
    log_p = F.log_softmax(input, dim=1)
    C = input.size(1)
    with torch.no_grad():
        true_dist = torch.full_like(log_p, epsilon / (C - 1))
        true_dist.scatter_(1, target.unsqueeze(1), 1.0 - epsilon)
    loss = torch.sum(-true_dist * log_p, dim=1)
    return loss if reduction == 'none' else loss.sum() if reduction == 'sum' else loss.mean()`;

const SOFTMAX_FOCAL_LOSS = `def softmax_focal_loss(input, target, alpha=None, gamma=2.0, reduction='mean'):
    log_p = F.log_softmax(input, dim=1)
    log_pt = log_p.gather(1, target.unsqueeze(1)).squeeze(1)
    ce = -log_pt
    if alpha is not None:
        alpha_t = alpha.to(log_p.dtype)[target] if isinstance(alpha, torch.Tensor) else alpha
        ce = alpha_t * ce
    pt = log_pt.exp()
    loss = (1 - pt) ** gamma * ce
    return loss if reduction == 'none' else loss.sum() if reduction == 'sum' else loss.mean()`;

/** By functional name. */
export const EXTRA_PYTHON: Readonly<Record<string, PythonLoss>> = {
  symmetric_cross_entropy: { imports: [], definition: SYMMETRIC_CROSS_ENTROPY, call: 'symmetric_cross_entropy' },
  label_smoothing_clamp: { imports: [], definition: LABEL_SMOOTHING_CLAMP, call: 'label_smoothing_clamp' },
  sigmoid_focal_loss: { imports: ['from torchvision.ops import sigmoid_focal_loss'], call: 'sigmoid_focal_loss' },
  softmax_focal_loss: { imports: [], definition: SOFTMAX_FOCAL_LOSS, call: 'softmax_focal_loss' },
};
