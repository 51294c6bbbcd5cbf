"""The Python side of scripts/bench/warm.ts (`npm run bench:warm`).

    python3 warm_torch.py gen DIR            writes the benchmark's inputs into DIR (.npy, JSON tensor files, .pt,
                                             .safetensors); deterministic, values rounded so that every form holds
                                             the same float32 numbers
    python3 warm_torch.py run ROWS.json N T  imports torch once, then for each row: N times (load + loss), best of N (wall and CPU time),
                                             with torch.set_num_threads(T); prints JSON {torch, numpy, threads, rows}

A row is {"name", "loss", "form": "npy"|"json"|"pt"|"safetensors", "input", "target", "options": {...},
"tensorOptions": {name: file.npy}} with file names relative to ROWS.json's folder. The timed work is what a notebook
user does: np.load + torch.from_numpy (.npy), json.load + torch.tensor (JSON), torch.load(weights_only=True) (.pt),
the header + np.frombuffer (.safetensors, as the safetensors package does), then the loss itself.
"""
import json
import os
import struct
import sys
import time

import numpy as np


# ------------------------------------------------------------------------------------------------------------------
# Generating the inputs


def write_json(path, loss, tensors, options, fmt):
    """A Loss Lens JSON tensor file, written row by row (nested lists down to the last axis)."""
    with open(path + '.tmp', 'w') as fh:
        fh.write('{"loss": "%s"' % loss)
        for name, array in tensors.items():
            fh.write(', "%s": ' % name)
            write_nested(fh, array, fmt if array.dtype.kind == 'f' else '%d')
        if options:
            fh.write(', "options": ' + json.dumps(options))
        fh.write('}\n')
    os.replace(path + '.tmp', path)


def write_nested(fh, array, fmt):
    if array.ndim == 1:
        fh.write('[' + ', '.join(fmt % v for v in array.tolist()) + ']')
        return
    fh.write('[')
    for i in range(array.shape[0]):
        if i:
            fh.write(', ')
        write_nested(fh, array[i], fmt)
    fh.write(']')


def write_safetensors(path, tensors):
    codes = {np.dtype(np.float32): 'F32', np.dtype(np.int64): 'I64'}
    header, raws, offset = {}, [], 0
    for name, a in tensors.items():
        raw = np.ascontiguousarray(a).tobytes()
        header[name] = {'dtype': codes[a.dtype], 'shape': list(a.shape), 'data_offsets': [offset, offset + len(raw)]}
        raws.append(raw)
        offset += len(raw)
    text = json.dumps(header).encode()
    text += b' ' * ((8 - len(text) % 8) % 8)
    with open(path, 'wb') as fh:
        fh.write(struct.pack('<Q', len(text)) + text)
        for raw in raws:
            fh.write(raw)


def logits(rng, shape):
    # 4 decimals: '%.4f' prints the float32 exactly enough to read back the same float32.
    return np.round(rng.standard_normal(shape, dtype=np.float32) * 2, 4).astype(np.float32)


def gen(out):
    import torch

    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(16)
    save = lambda name, a: np.save(os.path.join(out, name), a)
    path = lambda name: os.path.join(out, name)

    x32k = logits(rng, (512, 32000))
    y32k = rng.integers(0, 32000, 512, dtype=np.int64)
    save('ce32k-input.npy', x32k)
    save('ce32k-target.npy', y32k)
    write_json(path('ce32k.json'), 'cross_entropy', {'input': x32k, 'target': y32k}, None, '%.4f')
    torch.save({'input': torch.from_numpy(x32k), 'target': torch.from_numpy(y32k)}, path('ce32k.pt'))
    write_safetensors(path('ce32k.safetensors'), {'input': x32k, 'target': y32k})

    x1k = logits(rng, (4096, 1000))
    y1k = rng.integers(0, 1000, 4096, dtype=np.int64)
    save('ce1k-input.npy', x1k)
    save('ce1k-target.npy', y1k)
    write_json(path('ce1k.json'), 'cross_entropy', {'input': x1k, 'target': y1k}, None, '%.4f')

    # Probability targets: a softmax of other logits, 6 decimals (each class's share, not renormalised).
    z = rng.standard_normal((4096, 1000)) * 2
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p = np.round(p / p.sum(axis=1, keepdims=True), 6).astype(np.float32)
    save('ce1k-prob-target.npy', p)
    write_json(path('ce1k-prob.json'), 'cross_entropy', {'input': x1k, 'target': p}, None, '%.6f')

    # Class weights, ignore_index=-1 on ~5 % of the targets, label_smoothing=0.1.
    w1k = np.round(rng.uniform(0.5, 2.0, 1000), 3).astype(np.float32)
    yi = y1k.copy()
    yi[rng.random(4096) < 0.05] = -1
    save('ce1k-wis-target.npy', yi)
    save('ce1k-weight.npy', w1k)
    options = {'weight': [float('%.3f' % v) for v in w1k.tolist()], 'ignore_index': -1, 'label_smoothing': 0.1}
    write_json(path('ce1k-wis.json'), 'cross_entropy', {'input': x1k, 'target': yi}, options, '%.4f')
    w32k = np.round(rng.uniform(0.5, 2.0, 32000), 3).astype(np.float32)
    yi32 = y32k.copy()
    yi32[rng.random(512) < 0.05] = -1
    save('ce32k-wis-target.npy', yi32)
    save('ce32k-weight.npy', w32k)

    xs = logits(rng, (8, 21, 128, 128))
    ys = rng.integers(0, 21, (8, 128, 128), dtype=np.int64)
    save('seg-input.npy', xs)
    save('seg-target.npy', ys)
    write_json(path('seg.json'), 'cross_entropy', {'input': xs, 'target': ys}, None, '%.4f')

    # Multi-label: ~10 % positives, pos_weight per class.
    yb = (rng.random((4096, 1000)) < 0.1).astype(np.float32)
    pw = np.round(rng.uniform(1.0, 10.0, 1000), 3).astype(np.float32)
    save('bce-target.npy', yb)
    save('bce-pos-weight.npy', pw)
    options = {'pos_weight': [float('%.3f' % v) for v in pw.tolist()]}
    write_json(
        path('bce.json'), 'binary_cross_entropy_with_logits', {'input': x1k, 'target': yb}, options, '%.4f'
    )
    with open(path('done'), 'w') as fh:
        fh.write('ok\n')


# ------------------------------------------------------------------------------------------------------------------
# Running them warm


def read_safetensors(path):
    import torch

    with open(path, 'rb') as fh:
        data = fh.read()
    n = struct.unpack('<Q', data[:8])[0]
    header = json.loads(data[8:8 + n])
    out = {}
    for name, info in header.items():
        if name == '__metadata__':
            continue
        b, e = info['data_offsets']
        dtype = {'F32': np.float32, 'I64': np.int64}[info['dtype']]
        a = np.frombuffer(data, dtype, offset=8 + n + b, count=(e - b) // np.dtype(dtype).itemsize)
        out[name] = torch.from_numpy(a.reshape(info['shape']))
    return out


def run(rows_file, repeats, threads):
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(threads)
    folder = os.path.dirname(os.path.abspath(rows_file))
    with open(rows_file) as fh:
        rows = json.load(fh)
    at = lambda name: os.path.join(folder, name)

    def once(row):
        options = dict(row.get('options') or {})
        for name, file in (row.get('tensorOptions') or {}).items():
            options[name] = torch.from_numpy(np.load(at(file)))
        form = row['form']
        if form == 'npy':
            x = torch.from_numpy(np.load(at(row['input'])))
            y = torch.from_numpy(np.load(at(row['target'])))
        elif form == 'json':
            with open(at(row['input'])) as fh:
                data = json.load(fh)
            x = torch.tensor(data['input'])
            y = torch.tensor(data['target'])
            for name, value in (data.get('options') or {}).items():
                options[name] = torch.tensor(value) if isinstance(value, list) else value
        elif form == 'pt':
            d = torch.load(at(row['input']), weights_only=True)
            x, y = d['input'], d['target']
        else:
            d = read_safetensors(at(row['input']))
            x, y = d['input'], d['target']
        return float(getattr(F, row['loss'])(x, y, **options))

    out = []
    for row in rows:
        best, best_cpu, value = float('inf'), float('inf'), None
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            value = once(row)
            best = min(best, time.perf_counter() - start)
            best_cpu = min(best_cpu, time.process_time() - start_cpu)
        out.append({'name': row['name'], 'form': row['form'], 'ms': best * 1000, 'cpuMs': best_cpu * 1000, 'value': value})
    print(json.dumps({'torch': torch.__version__, 'numpy': np.__version__, 'threads': threads, 'rows': out}))


if __name__ == '__main__':
    if sys.argv[1] == 'gen':
        gen(sys.argv[2])
    else:
        run(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
