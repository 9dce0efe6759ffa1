"""Approach A: MLP / logistic regression on the app's eGeMAPS-style window features (dumped by
scripts/voice/dump-ravdess.ts). A clip's prediction is the mean of its windows' probabilities, as eval:voice does.

  python3 train_features.py [--inner] [--hidden N]
"""
import argparse
import os

import numpy as np
import torch
from torch import nn

from common import format_confusion, load_config, metrics, save_json, seed_everything, split_actors
from dumped import load_windows
from model_features import FeatureMlp


def clip_predict(net, x, meta):
    net.eval()
    with torch.no_grad():
        p = torch.softmax(net(torch.from_numpy(x)), dim=1).numpy()
    clips = {}
    for row, m in zip(p, meta):
        clips.setdefault(m['file'], []).append(row)
    files = sorted(clips)
    return files, np.stack([np.mean(clips[f], axis=0) for f in files])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--inner', action='store_true')
    ap.add_argument('--hidden', type=int)
    args = ap.parse_args()
    cfg = load_config()
    c = cfg['features']
    if args.hidden is not None:
        c['hidden'] = args.hidden
    seed_everything(cfg['seed'], cfg['threads'])
    labels = cfg['labels']
    train_actors, val_actors = split_actors(cfg, args.inner)
    names, meta, x = load_windows(cfg['out_dir'])
    tr = np.array([m['actor'] in train_actors for m in meta])
    va = np.array([m['actor'] in val_actors and m['copy'] == 0 for m in meta])
    mean = np.nanmean(x[tr], axis=0)
    sd = np.nanstd(x[tr], axis=0) + 1e-6
    x = np.where(np.isnan(x), mean, x).astype(np.float32)  # missing (e.g. no voiced frames): the training mean
    y = np.array([m['label'] for m in meta])
    xtr, ytr = torch.from_numpy(x[tr]), torch.from_numpy(y[tr])
    meta_va = [m for m, keep in zip(meta, va) if keep]
    truth = {m['file']: m['label'] for m in meta_va}
    print(f'{len(names)} features; train windows {int(tr.sum())}, val windows {int(va.sum())}', flush=True)

    net = FeatureMlp(mean, sd, c['hidden'], len(labels), c['dropout'])
    opt = torch.optim.AdamW(net.parameters(), lr=c['lr'], weight_decay=c['weight_decay'])
    loss_fn = nn.CrossEntropyLoss()
    g = torch.Generator().manual_seed(cfg['seed'])
    history = []
    for epoch in range(c['epochs']):
        net.train()
        order = torch.randperm(len(xtr), generator=g)
        for s in range(0, len(order), 256):
            idx = order[s : s + 256]
            loss = loss_fn(net(xtr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if (epoch + 1) % 25 == 0:
            files, p = clip_predict(net, x[va], meta_va)
            m = metrics([truth[f] for f in files], p.argmax(1), labels)
            history.append({'epoch': epoch + 1, 'accuracy': m['accuracy'], 'macro_f1': m['macro_f1']})
            print(f"epoch {epoch + 1} loss {float(loss):.4f} val acc {m['accuracy']:.4f} macro-F1 {m['macro_f1']:.4f}", flush=True)
    files, p = clip_predict(net, x[va], meta_va)
    m = metrics([truth[f] for f in files], p.argmax(1), labels)
    print(format_confusion(np.array(m['confusion']), labels))
    print(f"final val ({'inner ' if args.inner else ''}actors {val_actors}) accuracy {m['accuracy']:.4f} macro-F1 {m['macro_f1']:.4f}")
    tag = ('features-inner' if args.inner else 'features') + ('' if c['hidden'] else '-logistic')
    save_json(cfg, f'{tag}-metrics.json', {'train_actors': train_actors, 'val_actors': val_actors, 'hidden': c['hidden'], 'history': history, **m})
    if not args.inner:
        torch.save({'state': net.state_dict(), 'names': names, 'mean': mean.tolist(), 'hidden': c['hidden']}, os.path.join(cfg['out_dir'], f'{tag}.pt'))


if __name__ == '__main__':
    main()
