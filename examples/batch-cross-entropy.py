import torch
import torch.nn as nn

# A batch of 4 samples, 3 classes: raw scores (logits) and the true class of each sample.
logits = torch.tensor([[2.0, 0.5, -1.0],
                       [0.1, 1.5, 0.3],
                       [-0.5, 0.2, 2.2],
                       [1.2, 1.1, 0.9]])
labels = torch.tensor([0, 1, 2, 1])

criterion = nn.CrossEntropyLoss()
loss = criterion(logits, labels)
print(loss.item())
