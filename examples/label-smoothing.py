import torch
import torch.nn.functional as F

x = torch.tensor([[1., 8., 1.],
                  [1., 1., 8.]])
y = torch.tensor([1, 2])

# The same confident logits without and with label smoothing.
plain, smoothed = F.cross_entropy(x, y), F.cross_entropy(x, y, label_smoothing=0.05)
print(plain, smoothed)
