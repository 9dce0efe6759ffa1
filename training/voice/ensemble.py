"""Scores an ensemble of trained log-mel CNN runs from their saved validation probabilities (no retraining): each
member's clip probabilities (out/logmel-cnn-<variant>[-inner]-val-probs.json, written by train_logmel_cnn.py) are
averaged, as the exported graph averages the members' softmax outputs window by window and the app then averages
windows over a clip. Prints every member's accuracy and the ensemble's, and writes
out/logmel-cnn-ensemble[-inner]-metrics.json (read by export_onnx.py and scripts/voice/register-voice-model.ts).

  python3 ensemble.py [--inner] [--members seed2,seed3,...]   # default members: `ensemble.members` in config.json"""
import argparse
import json
import os

import numpy as np

from common import format_confusion, load_config, metrics, save_json


def member_tag(variant):
    return 'logmel-cnn' + (f'-{variant}' if variant else '')


def load_probs(cfg, variant, inner):
    path = os.path.join(cfg['out_dir'], f"{member_tag(variant)}{'-inner' if inner else ''}-val-probs.json")
    if not os.path.exists(path):
        raise SystemExit(f'{path} is missing: run train_logmel_cnn.py{" --inner" if inner else ""}{f" --variant {variant}" if variant else ""} first')
    with open(path) as f:
        return json.load(f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--inner', action='store_true')
    ap.add_argument('--members')
    args = ap.parse_args()
    cfg = load_config()
    members = args.members.split(',') if args.members else cfg['ensemble']['members']
    members = ['' if m == 'base' else m for m in members]
    runs = [load_probs(cfg, m, args.inner) for m in members]
    clips = runs[0]['clips']
    for r in runs[1:]:
        if r['clips'] != clips:
            raise SystemExit('members were validated on different clips')
    y = np.array([c['label'] for c in clips])
    labels = cfg['labels']
    for m, r in zip(members, runs):
        mm = metrics(y, np.array(r['probs']).argmax(1), labels)
        print(f"{member_tag(m)}: accuracy {mm['accuracy']:.4f} macro-F1 {mm['macro_f1']:.4f}")
    probs = np.mean([np.array(r['probs']) for r in runs], axis=0)
    m = metrics(y, probs.argmax(1), labels)
    print(format_confusion(np.array(m['confusion']), labels))
    with open(os.path.join(cfg['out_dir'], f"{member_tag(members[0])}{'-inner' if args.inner else ''}-metrics.json")) as f:
        first = json.load(f)
    print(f"ensemble of {len(members)} ({', '.join(member_tag(x) for x in members)}), actors {first['val_actors']}: accuracy {m['accuracy']:.4f} macro-F1 {m['macro_f1']:.4f} (n={len(y)})")
    save_json(cfg, f"logmel-cnn-ensemble{'-inner' if args.inner else ''}-metrics.json",
              {'members': [member_tag(x) for x in members], 'train_actors': first['train_actors'], 'val_actors': first['val_actors'], **m})


if __name__ == '__main__':
    main()
