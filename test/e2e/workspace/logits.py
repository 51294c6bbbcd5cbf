import torch
import torch.nn.functional as F

logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 1.2, 0.3]])
target = torch.tensor([0, 1])
loss = F.cross_entropy(logits, target)
