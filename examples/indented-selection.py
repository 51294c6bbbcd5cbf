        # Selected from inside a training step: the common indentation is ignored.
        logits = torch.tensor([[0.2, 1.5, -0.3],
                               [1.1, -0.4, 0.8]])
        targets = torch.tensor([1, 0])
        loss = F.cross_entropy(logits, targets,
                               reduction='sum')
        print(loss)
