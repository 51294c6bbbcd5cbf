import torch
import torch.nn as nn

vocab = 10
emb = nn.Embedding(vocab, 3)             # 3 output classes per token
tokens = torch.randint(0, vocab, (2, 5))  # batch of 2 sequences of 5 tokens
labels = torch.randint(0, 3, (2, 5))      # one class per token

logits = emb(tokens)                      # [2, 5, 3]: the classes are last
loss = nn.CrossEntropyLoss()(logits, labels)
