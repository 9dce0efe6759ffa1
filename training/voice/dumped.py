"""Reads what scripts/voice/dump-ravdess.ts wrote: log-mel frames per clip copy and window features."""
import csv
import json
import os

import numpy as np


def load_logmel(out_dir):
    with open(os.path.join(out_dir, 'ravdess-index.json')) as f:
        index = json.load(f)
    raw = np.fromfile(os.path.join(out_dir, 'ravdess-logmel.i16'), dtype=np.int16)
    bands, scale = index['bands'], index['scale']
    clips = []
    for c in index['clips']:
        a = raw[c['offset'] : c['offset'] + c['frames'] * bands].astype(np.float32) / scale
        clips.append({**c, 'logmel': a.reshape(c['frames'], bands).T.copy()})  # [bands, frames]
    return clips


def load_windows(out_dir):
    with open(os.path.join(out_dir, 'ravdess-windows.csv')) as f:
        rows = list(csv.reader(f))
    head, rows = rows[0], rows[1:]
    names = head[5:]
    meta = [{'actor': int(r[0]), 'label': int(r[1]), 'file': r[2], 'copy': int(r[3]), 't_ms': float(r[4])} for r in rows]
    x = np.array([[float(v) if v != '' else np.nan for v in r[5:]] for r in rows], dtype=np.float32)
    return names, meta, x
