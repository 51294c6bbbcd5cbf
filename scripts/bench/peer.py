"""The Python + PyTorch peer of the benchmark: what people run today on a JSON tensor file.

    /usr/bin/python3 scripts/bench/peer.py FILE.json

json.load → torch.tensor → F.<loss>(input, target, **options), then prints the value, the way `loss-lens compute`
prints it. Uses Debian's python3-torch; scripts/bench/run.ts times it as a whole process (start to printed result).
"""
import json
import sys

import torch
import torch.nn.functional as F


def main(path):
    with open(path) as f:
        data = json.load(f)
    inputs = torch.tensor(data['input'])
    target = torch.tensor(data['target'])
    options = data.get('options', {})
    loss = getattr(F, data.get('loss', 'cross_entropy'))(inputs, target, **options)
    print(f'value: {loss.item()!r}')


if __name__ == '__main__':
    main(sys.argv[1])
