# A label-smoothing loss written by hand, tried on random logits (no seed: every run draws new numbers).
import torch
import torch.nn as nn
import torch.nn.functional as F


class LabelSmoothingLoss(nn.Module):
    """Cross-entropy against smoothed targets: 1 - smoothing on the true class, smoothing / (C - 1) elsewhere."""

    def __init__(self, classes, smoothing=0.05):
        super().__init__()
        self.classes = classes
        self.smoothing = smoothing

    def forward(self, pred, target):
        log_probs = F.log_softmax(pred, dim=-1)
        true_dist = torch.full_like(log_probs, self.smoothing / (self.classes - 1))
        true_dist.scatter_(1, target.unsqueeze(1), 1.0 - self.smoothing)
        return torch.mean(torch.sum(-true_dist * log_probs, dim=-1))


logits = torch.randn(4, 5)
labels = torch.tensor([1, 0, 4, 2])
criterion = LabelSmoothingLoss(classes=5, smoothing=0.05)
loss = criterion(logits, labels)
builtin = nn.CrossEntropyLoss(label_smoothing=0.05)(logits, labels)
print("logits:", logits.shape)
print(f"hand-written: {loss.item():.4f}")
print(f"built-in:     {builtin.item():.4f}")
