"""Helpers shared by the face and voice training scripts: seeding, confusion matrix, accuracy, macro-F1."""
import random

import numpy as np
import torch


def seed_everything(seed, threads):
    """Fixed seeds for Python, numpy and torch, and the number of CPU threads torch may use (from config.json)."""
    torch.set_num_threads(threads)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


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
    return {'accuracy': acc, 'macro_f1': float(np.mean(f1s)), 'per_class_f1': [float(f) for f in f1s],
            'confusion': m.tolist(), 'labels': labels}


def format_confusion(m, labels):
    w = max(len(l) for l in labels)
    head = ' ' * (w + 2) + ' '.join(f'{l[:5]:>5}' for l in labels)
    rows = [f'{labels[i]:>{w}}  ' + ' '.join(f'{v:5d}' for v in row) for i, row in enumerate(m)]
    return '\n'.join([head + '   (rows: true, columns: predicted)'] + rows)
