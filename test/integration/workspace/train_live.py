# A small training loop for test/integration/debugger.test.ts: the test stops on the loss line in the debugger and
# asks Loss Lens for the breakdown of the live tensors; what PyTorch computed on that line is written to the file
# named by LOSS_LENS_EXPECTED (never typed into the test).
import json
import os

import torch
import torch.nn as nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 5))
criterion = nn.CrossEntropyLoss(label_smoothing=0.1)
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
inputs = torch.randn(12, 6)
target = torch.randint(0, 5, (12,))
weights = torch.tensor([1.0, 2.0, 0.5, 1.0, 1.5])

losses = []
weighted = []
first_logits = None
for step in range(3):
    optimizer.zero_grad()
    logits = model(inputs)
    loss = criterion(logits, target)
    also = nn.functional.cross_entropy(logits, target, weight=weights, reduction="sum")
    if first_logits is None:
        first_logits = logits.detach().double()
    losses.append(loss.item())
    weighted.append(also.item())
    loss.backward()
    optimizer.step()

print("losses", losses)
with open(os.environ["LOSS_LENS_EXPECTED"], "w") as f:
    json.dump(
        {
            "torch": torch.__version__,
            "losses": losses,
            "weighted": weighted,
            "logits": {"shape": list(first_logits.shape), "min": first_logits.min().item(), "max": first_logits.max().item(), "mean": first_logits.mean().item()},
        },
        f,
    )
