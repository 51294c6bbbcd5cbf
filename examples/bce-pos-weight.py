import torch
from torch import nn

# Multi-label logits for 3 labels; positives of the first label are rare, so they weigh 3x.
logits = torch.tensor([[1.2, -0.4, 0.3],
                       [-2.0, 0.8, -0.1],
                       [0.3, 0.1, 1.5],
                       [-0.7, -1.2, 0.6]])
targets = torch.tensor([[1., 0., 0.],
                        [0., 1., 0.],
                        [1., 0., 1.],
                        [0., 0., 1.]])

criterion = nn.BCEWithLogitsLoss(pos_weight=torch.tensor([3.0, 1.0, 0.5]))
print(criterion(logits, targets))
