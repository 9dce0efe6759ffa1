"""Shared helpers: config, seeding, metrics. No training logic here."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from shared import confusion, format_confusion, metrics, seed_everything  # noqa: E402,F401  (shared with training/face)

HERE = os.path.dirname(os.path.abspath(__file__))


def load_config(path=None):
    path = path or os.path.join(HERE, 'config.json')
    with open(path) as f:
        cfg = json.load(f)
    cfg['out_dir'] = os.path.join(HERE, 'out')
    if not os.path.exists(os.path.join(cfg['out_dir'], 'ravdess-index.json')):
        raise SystemExit('No dumped features: run `npx tsx scripts/voice/dump-ravdess.ts` first (see README.md)')
    return cfg


def split_actors(cfg, inner):
    """(train actors, validation actors). --inner holds out inner_val_actors from the training actors, for tuning
    without ever looking at the real validation actors."""
    if inner:
        return [a for a in cfg['train_actors'] if a not in cfg['inner_val_actors']], cfg['inner_val_actors']
    return cfg['train_actors'], cfg['val_actors']


def variant_config(cfg, variant):
    """`cnn` from config.json, overridden by `cnn_variants[variant]` when a variant is named (`aug` merged key by key)."""
    c = dict(cfg['cnn'])
    if variant:
        if variant not in cfg.get('cnn_variants', {}):
            raise SystemExit(f'no cnn_variants.{variant} in config.json')
        v = cfg['cnn_variants'][variant]
        c.update({k: x for k, x in v.items() if k != 'aug'})
        c['aug'] = {**cfg['cnn']['aug'], **v.get('aug', {})}
    return c


def save_json(cfg, name, obj):
    with open(os.path.join(cfg['out_dir'], name), 'w') as f:
        json.dump(obj, f, indent=1)
