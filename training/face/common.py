"""Shared helpers: config, seeding, data cache, metrics. No training logic here."""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from shared import confusion, format_confusion, metrics, seed_everything  # noqa: E402,F401  (shared with training/voice)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'out')
MODEL_FILE = 'face-emotion-fer-cnn.onnx'
SHIPPED = os.path.normpath(os.path.join(HERE, '..', '..', 'models', MODEL_FILE))  # what the app loads
FP32 = os.path.join(OUT, 'face-cnn-fp32.onnx')  # the float graph, when quantize_onnx.py makes the shipped one from it


def pipeline(cfg, ferplus=False):
    """Where one face model's export steps read and write: the FER2013 model (`export` in config.json, 7 classes,
    out/face-cnn-*, models/face-emotion-fer-cnn.onnx) or the FER+ model (`ferplus.export`, 8 classes with contempt,
    out/face-fp-*, models/face-emotion-ferplus-cnn.onnx)."""
    if ferplus:
        from ferplus import LABELS
        export, labels, prefix, model_file = cfg['ferplus']['export'], LABELS, 'face-fp', 'face-emotion-ferplus-cnn.onnx'
    else:
        export, labels, prefix, model_file = cfg['export'], cfg['labels'], 'face-cnn', MODEL_FILE
    return {'export': export, 'labels': labels, 'prefix': prefix, 'model_file': model_file,
            'shipped': os.path.normpath(os.path.join(HERE, '..', '..', 'models', model_file)),
            'fp32': os.path.join(OUT, f'{prefix}-fp32.onnx'), 'calibration': os.path.join(OUT, f'{prefix}-calibration.json'),
            'export_info': os.path.join(OUT, f'{prefix}-export.json'), 'quant_info': f'{prefix}-quant.json'}


def load_config(path=None):
    path = path or os.path.join(HERE, 'config.json')
    with open(path) as f:
        cfg = json.load(f)
    cfg['data_dir'] = os.path.normpath(os.path.join(HERE, cfg['data_dir']))
    os.makedirs(OUT, exist_ok=True)
    return cfg


def load_split(cfg, split):
    """(images uint8 [N, S, S], labels int64 [N], file names) of one FER2013 split, cached as .npz in out/ so
    every epoch reads memory, not 28k JPEGs. The cache is rebuilt when it is missing."""
    cache = os.path.join(OUT, f'fer2013-{split}.npz')
    if os.path.exists(cache):
        z = np.load(cache)
        return z['x'], z['y'], list(z['names'])
    from PIL import Image  # only needed to build the cache

    root = os.path.join(cfg['data_dir'], split)
    if not os.path.isdir(root):
        raise SystemExit(f'{root} not found: FER2013 must be in ../shared/data/fer2013 beside the repository')
    xs, ys, names = [], [], []
    S = cfg['size']
    for k, label in enumerate(cfg['labels']):
        d = os.path.join(root, label)
        for f in sorted(os.listdir(d)):
            if not f.lower().endswith(('.jpg', '.jpeg', '.png')):
                continue
            im = Image.open(os.path.join(d, f)).convert('L')
            if im.size != (S, S):
                im = im.resize((S, S), Image.BILINEAR)
            xs.append(np.asarray(im, dtype=np.uint8))
            ys.append(k)
            names.append(f'{label}/{f}')
    x, y = np.stack(xs), np.array(ys, dtype=np.int64)
    np.savez(cache, x=x, y=y, names=np.array(names))
    return x, y, names


def to_input(x_uint8):
    """uint8 [N, S, S] -> float [N, 1, S, S] in [-1, 1], the normalisation the app feeds (gray/127.5 - 1)."""
    return torch.from_numpy(x_uint8).float().div_(127.5).sub_(1.0).unsqueeze(1)


def ece(probs, y, bins=15):
    """Expected calibration error of the top-1 confidence, equal-width bins (Guo et al. 2017)."""
    conf = probs.max(1)
    correct = (probs.argmax(1) == y).astype(np.float64)
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            total += m.mean() * abs(correct[m].mean() - conf[m].mean())
    return float(total)


def ece_soft(probs, target, bins=15):
    """Calibration against a vote distribution: expected gap between the top-class confidence and the share of the
    crowd's votes that went to that class, equal-width bins (ECE with the votes' share in place of 0/1 correctness)."""
    conf = probs.max(1)
    hit = target[np.arange(len(target)), probs.argmax(1)].astype(np.float64)
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        m = (conf > lo) & (conf <= hi)
        if m.any():
            total += m.mean() * abs(hit[m].mean() - conf[m].mean())
    return float(total)


def save_json(name, obj):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(obj, f, indent=1)


def fit_temperature(logits, loss_of):
    """The temperature T > 0 that minimises loss_of(logits / T) (LBFGS on log T): the calibration step of both face
    models; loss_of is the cross-entropy against their kind of targets (hard labels, or FER+ vote distributions)."""
    log_t = torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200)

    def closure():
        opt.zero_grad()
        loss = loss_of(logits / log_t.exp())
        loss.backward()
        return loss

    opt.step(closure)
    return float(log_t.exp())
