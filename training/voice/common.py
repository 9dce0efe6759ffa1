"""Shared helpers: config, seeding, metrics. No training logic here."""
import json
import os
import random

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def load_config(path=None):
    path = path or os.path.join(HERE, 'config.json')
    with open(path) as f:
        cfg = json.load(f)
    cfg['out_dir'] = os.path.join(HERE, 'out')
    if not os.path.exists(os.path.join(cfg['out_dir'], 'ravdess-index.json')):
        raise SystemExit('No dumped features: run `npx tsx scripts/voice/dump-ravdess.ts` first (see README.md)')
    return cfg


def seed_everything(seed, threads):
    # The build machine has two cores shared with other people: stay on one thread.
    torch.set_num_threads(threads)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def split_actors(cfg, inner):
    """(train actors, validation actors). --inner holds out inner_val_actors from the training actors, for tuning
    without ever looking at the real validation actors."""
    if inner:
        return [a for a in cfg['train_actors'] if a not in cfg['inner_val_actors']], cfg['inner_val_actors']
    return cfg['train_actors'], cfg['val_actors']


def confusion(y_true, y_pred, n):
    m = np.zeros((n, n), dtype=np.int64)
    for t, p in zip(y_true, y_pred):
        m[t, p] += 1
    return m


def metrics(y_true, y_pred, labels):
    n = len(labels)
    m = confusion(y_true, y_pred, n)
    acc = float(np.trace(m) / max(1, m.sum()))
    f1s = []
    for k in range(n):
        tp = m[k, k]
        prec = tp / m[:, k].sum() if m[:, k].sum() else 0.0
        rec = tp / m[k, :].sum() if m[k, :].sum() else 0.0
        f1s.append(0.0 if prec + rec == 0 else 2 * prec * rec / (prec + rec))
    return {'accuracy': acc, 'macro_f1': float(np.mean(f1s)), 'confusion': m.tolist(), 'labels': labels}


def format_confusion(m, labels):
    w = max(len(l) for l in labels)
    head = ' ' * (w + 2) + ' '.join(f'{l[:5]:>5}' for l in labels)
    rows = [f'{labels[i]:>{w}}  ' + ' '.join(f'{v:5d}' for v in row) for i, row in enumerate(m)]
    return '\n'.join([head + '   (rows: true, columns: predicted)'] + rows)


def save_json(cfg, name, obj):
    with open(os.path.join(cfg['out_dir'], name), 'w') as f:
        json.dump(obj, f, indent=1)
