"""The Python + PyTorch side of scripts/bench/files.ts.

    python3 files_peer.py gen OUT_DIR ROWS CLASSES   writes logits [ROWS, CLASSES] float32 + int64 targets as
                                                      batch.pt, batch.safetensors, logits.npy + target.npy
    python3 files_peer.py run FILE...                 torch.load / safetensors-by-hand / np.load + F.cross_entropy,
                                                      in process, prints JSON {file: {seconds, value}}
"""
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F


def write_safetensors(path, tensors):
    header, raws, offset = {}, [], 0
    codes = {torch.float32: 'F32', torch.int64: 'I64'}
    for name, t in tensors.items():
        raw = t.contiguous().numpy().tobytes()
        header[name] = {'dtype': codes[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
        raws.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as fh:
        fh.write(struct.pack('<Q', len(text)) + text)
        for raw in raws:
            fh.write(raw)


def read_safetensors(path):
    with open(path, 'rb') as fh:
        data = fh.read()
    n = struct.unpack('<Q', data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        b, e = info['data_offsets']
        dtype = {'F32': np.float32, 'I64': np.int64}[info['dtype']]
        out[name] = torch.from_numpy(np.frombuffer(data, dtype, offset=8 + n + b, count=(e - b) // np.dtype(dtype).itemsize).reshape(info['shape']))
    return out


def gen(out, rows, classes):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    logits = torch.randn(rows, classes)
    target = torch.randint(0, classes, (rows,))
    torch.save({'logits': logits, 'target': target}, os.path.join(out, 'batch.pt'))
    write_safetensors(os.path.join(out, 'batch.safetensors'), {'logits': logits, 'target': target})
    np.save(os.path.join(out, 'logits.npy'), logits.numpy())
    np.save(os.path.join(out, 'target.npy'), target.numpy())


def run(files):
    results = {}
    for f in files:
        start = time.perf_counter()
        if f.endswith('.pt'):
            d = torch.load(f, weights_only=True)
            logits, target = d['logits'], d['target']
        elif f.endswith('.safetensors'):
            d = read_safetensors(f)
            logits, target = d['logits'], d['target']
        else:
            logits = torch.from_numpy(np.load(f))
            target = torch.from_numpy(np.load(os.path.join(os.path.dirname(f), 'target.npy')))
        value = float(F.cross_entropy(logits, target))
        results[os.path.basename(f)] = {'seconds': time.perf_counter() - start, 'value': value}
    print(json.dumps({'torch': torch.__version__, 'results': results}))


if __name__ == '__main__':
    if sys.argv[1] == 'gen':
        gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        run(sys.argv[2:])
