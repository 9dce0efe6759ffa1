"""Reads what scripts/voice/dump-ravdess.ts wrote: log-mel frames per clip copy and window features."""
import csv
import json
import os

import numpy as np


def load_logmel(out_dir, variant=None):
    """The base dump, or with `variant` the one `dump-ravdess.ts --variant NAME` wrote (e.g. with generated rooms)."""
    prefix = 'ravdess' if variant is None else f'ravdess-{variant}'
    if not os.path.exists(os.path.join(out_dir, f'{prefix}-index.json')):
        raise SystemExit(f'{prefix}-index.json not found in {out_dir}: run npx tsx scripts/voice/dump-ravdess.ts' + (f' --variant {variant}' if variant else ''))
    with open(os.path.join(out_dir, f'{prefix}-index.json')) as f:
        index = json.load(f)
    raw = np.fromfile(os.path.join(out_dir, f'{prefix}-logmel.i16'), dtype=np.int16)
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
