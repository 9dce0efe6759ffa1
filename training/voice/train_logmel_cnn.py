"""Approach B: small CNN on the app's log-mel frames (dumped by scripts/voice/dump-ravdess.ts).

  python3 train_logmel_cnn.py            # train on train_actors, report on val_actors, save out/logmel-cnn.pt
  python3 train_logmel_cnn.py --inner    # tune: train on train_actors minus inner_val_actors, report on those
  python3 train_logmel_cnn.py --variant NAME [--inner]   # `cnn_variants.NAME` in config.json overrides `cnn`:
                                         # out/logmel-cnn-NAME.pt, ...-metrics.json

Every run also writes the validation clips' probabilities (out/<tag>-val-probs.json), so ensembles of runs can be
scored without retraining.
"""
import argparse
import os
import time

import numpy as np
import torch
from torch import nn

from common import format_confusion, load_config, metrics, save_json, seed_everything, split_actors, variant_config
from dumped import load_logmel
from model_cnn import build_net


def eval_windows(samples, win):
    """The app's windows on a clip, as frame offsets: the 2 s grid (hop 0.5 s = 50 frames) plus one ending at the
    clip end (VoiceStream coverTail: start = floor((samples - 32000) / 160) frames)."""
    win_samples = 32000  # 2 s: the app's window, of which the 198 whole 25 ms frames are the model input
    if samples < win_samples:
        return [0]
    starts = list(range(0, (samples - win_samples) // 160 + 1, 50))
    tail = (samples - win_samples) // 160
    if tail > starts[-1]:
        starts.append(tail)
    return starts


@torch.no_grad()
def predict(net, clips, win):
    net.eval()
    out = []
    for c in clips:
        x = c['logmel']
        starts = eval_windows(c['samples'], win)
        batch = np.stack([x[:, s : s + win] for s in starts])[:, None]
        out.append(torch.softmax(net(torch.from_numpy(batch)), dim=1).mean(0).numpy())
    return np.stack(out)


def normalise_by_speaker(clips):
    """Per-speaker normalisation: subtracts from every clip of an actor the mean log-mel of each band over that
    actor's clean clips (copy 0), as a running mean over a session would settle to."""
    means = {}
    for a in sorted({cl['actor'] for cl in clips}):
        frames = np.concatenate([cl['logmel'] for cl in clips if cl['actor'] == a and cl['copy'] == 0], axis=1)
        means[a] = frames.mean(axis=1, keepdims=True)
    for cl in clips:
        cl['logmel'] = cl['logmel'] - means[cl['actor']]


def spec_augment(x, aug, rng):
    b, _, f, t = x.shape
    for i in range(b):
        fw = rng.integers(0, aug['freq_mask'] + 1)
        f0 = rng.integers(0, f - fw + 1)
        x[i, :, f0 : f0 + fw, :] = x[i, :, :, :].mean()
        tw = rng.integers(0, aug['time_mask'] + 1)
        t0 = rng.integers(0, t - tw + 1)
        x[i, :, :, t0 : t0 + tw] = x[i, :, :, :].mean()
    return x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--inner', action='store_true')
    ap.add_argument('--steps', type=int)
    ap.add_argument('--variant')
    args = ap.parse_args()
    cfg = load_config()
    c = variant_config(cfg, args.variant)
    if args.steps:
        c['steps'] = args.steps
    seed_everything(cfg['seed'] + c.get('seed_offset', 0), cfg['threads'])
    labels = cfg['labels']
    train_actors, val_actors = split_actors(cfg, args.inner)
    clips = load_logmel(cfg['out_dir'], c.get('dump'))
    if c.get('speaker_norm'):
        normalise_by_speaker(clips)
    by_clip = {}
    for cl in clips:
        if cl['actor'] in train_actors:
            by_clip.setdefault((cl['actor'], cl['file']), []).append(cl)
    train = list(by_clip.values())
    val = [cl for cl in clips if cl['actor'] in val_actors and cl['copy'] == 0]
    yva = np.array([cl['label'] for cl in val])
    print(f'train actors {train_actors}: {len(train)} clips x {len(train[0])} copies; val actors {val_actors}: {len(val)} clips', flush=True)

    win = c['window_frames']
    net = build_net(c, len(labels))
    opt = torch.optim.AdamW(net.parameters(), lr=c['lr'], weight_decay=c['weight_decay'])
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=c['lr'], total_steps=c['steps'], pct_start=0.1)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=c['label_smoothing'])
    rng = np.random.default_rng(cfg['seed'] + c.get('seed_offset', 0))
    history = []
    t0, total = time.time(), 0.0
    for step in range(1, c['steps'] + 1):
        net.train()
        xb, yb = [], []
        for i in rng.integers(0, len(train), c['batch_size']):
            cl = train[i][rng.integers(0, len(train[i]))]  # a random copy (clean or augmented) of a random clip
            x = cl['logmel']
            if x.shape[1] >= win:
                st = rng.integers(0, x.shape[1] - win + 1)
                x = x[:, st : st + win]
            else:
                x = np.pad(x, ((0, 0), (0, win - x.shape[1])), mode='edge')
            xb.append(x)
            yb.append(cl['label'])
        x = torch.from_numpy(spec_augment(np.stack(xb)[:, None].copy(), c['aug'], rng))
        y = torch.from_numpy(np.array(yb))
        alpha = c['aug']['mixup_alpha']
        if alpha > 0:
            lam = float(rng.beta(alpha, alpha))
            perm = torch.from_numpy(rng.permutation(len(yb)))
            logits = net(lam * x + (1 - lam) * x[perm])
            loss = lam * loss_fn(logits, y) + (1 - lam) * loss_fn(logits, y[perm])
        else:
            loss = loss_fn(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        total += float(loss)
        if step % c['eval_every'] == 0 or step == c['steps']:
            m = metrics(yva, predict(net, val, win).argmax(1), labels)
            history.append({'step': step, 'accuracy': m['accuracy'], 'macro_f1': m['macro_f1']})
            print(f"step {step:5d} loss {total / c['eval_every']:.4f} ({time.time() - t0:.0f}s)  val acc {m['accuracy']:.4f} macro-F1 {m['macro_f1']:.4f}", flush=True)
            total = 0.0

    probs = predict(net, val, win)
    m = metrics(yva, probs.argmax(1), labels)
    print(format_confusion(np.array(m['confusion']), labels))
    print(f"final val ({'inner ' if args.inner else ''}actors {val_actors}) accuracy {m['accuracy']:.4f} macro-F1 {m['macro_f1']:.4f}")
    tag = 'logmel-cnn' + (f'-{args.variant}' if args.variant else '')
    tag_run = f'{tag}-inner' if args.inner else tag
    save_json(cfg, f'{tag_run}-metrics.json', {'train_actors': train_actors, 'val_actors': val_actors, 'variant': args.variant, 'cnn': c, 'steps': c['steps'],
                                              'seconds': time.time() - t0, 'history': history, **m})
    save_json(cfg, f'{tag_run}-val-probs.json', {'labels': labels, 'clips': [{'actor': cl['actor'], 'file': cl['file'], 'label': int(cl['label'])} for cl in val],
                                                'probs': probs.tolist()})
    # Inner runs keep their weights too: their outputs on the inner actors are the development split on which
    # the fusion weights are learnt (npm run eval:fusion -- --fit).
    torch.save(net.state_dict(), os.path.join(cfg['out_dir'], f'{tag_run}.pt'))


if __name__ == '__main__':
    main()
