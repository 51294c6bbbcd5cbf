import torch
import torch.nn.functional as F

# Binary cross-entropy on probabilities: the sigmoid is applied first.
logits = torch.tensor([2.2, -1.4, 0.4, -0.6])
probabilities = torch.sigmoid(logits)
targets = torch.tensor([1.0, 0.0, 1.0, 0.0])

loss = F.binary_cross_entropy(probabilities, targets)
print(loss)
