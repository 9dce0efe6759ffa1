"""Trains the face-emotion CNN on FER2013 train, selects the epoch by accuracy on FER2013 val (PublicTest).

  /usr/bin/python3 training/face/train.py [--stage main|snapshot|peer|peer_snapshot|peer_cycle3] [--epochs N] [--resume]

Stage `main` trains from scratch with `train` from config.json and writes out/face-cnn.pt (selected weights),
out/face-cnn-last.pt (resumable state, every epoch) and out/face-cnn-metrics.json (per-epoch history, the selected
epoch's confusion matrix). The other stages override `train` with their own config section and write
out/face-cnn-<stage>*.{pt,json}: `snapshot` starts again from out/face-cnn.pt with a second warm-up + cosine cycle
(Huang et al. 2017, "Snapshot ensembles"); `peer` trains from scratch with another seed, so that its errors differ;
`peer_snapshot` gives the peer its own second cycle, `peer_cycle3` a third one from the weight average of the second.
Their per-epoch history also scores the net combined with its partners (`ensemble_with`, or the net it started
from), face and mirror, as the export combines them (the stage's `combine`: 'logits' unless it says 'probabilities')."""
import argparse
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from augment import augment
from common import OUT, format_confusion, load_config, load_split, metrics, save_json, seed_everything, to_input
from model import combine_passes, new_net


def evaluate(net, x, bs=512):
    net.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(x), bs):
            out.append(net(x[i:i + bs]))
    net.train()
    return torch.cat(out)


def partner_logits(cfg, partners, xva, yva):
    """Val logits of the nets in `partners` (weight files in out/), each face then its mirror image, one after another
    ([] without partners): computed once, combined with the trained net's every epoch, as the export combines them."""
    views = []
    for partner in partners:
        pnet = new_net(cfg)
        pnet.load_state_dict(torch.load(os.path.join(OUT, partner)))
        pv = evaluate(pnet, xva), evaluate(pnet, torch.flip(xva, dims=[3]))
        views += pv
        print(f"scored with {partner}: val accuracy {metrics(yva, pv[0].argmax(1).numpy(), cfg['labels'])['accuracy']:.4f}", flush=True)
    return views


def sgd(net, lr, weight_decay):
    """SGD with Nesterov momentum; no weight decay on batch-norm weights and biases."""
    decay = [p for n, p in net.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in net.named_parameters() if p.ndim <= 1]
    return torch.optim.SGD([{'params': decay, 'weight_decay': weight_decay}, {'params': no_decay, 'weight_decay': 0}],
                           lr=lr, momentum=0.9, nesterov=True)


def train_epoch(net, opt, xtr, ytr, cfg, bs, label_smoothing, gen, fmt, lr_at=None, first_step=0):
    """One pass over the shuffled train set in batches of bs with batch augmentation; lr_at(step), when given, sets the
    learning rate of every step (numbered from first_step). Returns (mean loss, train accuracy)."""
    net.train()
    steps = len(ytr) // bs
    perm = torch.randperm(len(ytr), generator=gen)
    run_loss, run_ok = 0.0, 0
    for s in range(steps):
        if lr_at is not None:
            for g in opt.param_groups:
                g['lr'] = lr_at(first_step + s)
        idx = perm[s * bs:(s + 1) * bs]
        xb, yb = augment(xtr[idx], cfg['aug'], gen).contiguous(memory_format=fmt), ytr[idx]
        logits = net(xb)
        loss = F.cross_entropy(logits, yb, label_smoothing=label_smoothing)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        run_loss += loss.item()
        # With soft targets (FER+ vote distributions) a prediction counts as right when it is the targets' top class.
        run_ok += (logits.argmax(1) == (yb.argmax(1) if yb.ndim == 2 else yb)).sum().item()
    return run_loss / steps, run_ok / (steps * bs)


def score_epoch(rec, scored, yva, labels, t0):
    """Adds val accuracy and macro-F1 of each set of (combined) logits in `scored` (key: the suffix of val_acc) and the epoch's
    seconds since t0 to rec, prints it, and returns the metrics by key."""
    ms = {k: metrics(yva, v.argmax(1).numpy(), labels) for k, v in scored.items()}
    for k, mk in ms.items():
        rec[f'val_acc{k}'], rec[f'val_macro_f1{k}'] = mk['accuracy'], mk['macro_f1']
    rec['seconds'] = time.time() - t0
    print(' '.join(f'{k}={v:.4f}' if isinstance(v, float) else f'{k}={v}' for k, v in rec.items()), flush=True)
    return ms


def better(best, ms, select_on, epoch):
    """The new selection record when the metric select_on (val_acc<key>) beats best this epoch, else None."""
    sel = ms[select_on[len('val_acc'):]]
    if sel['accuracy'] > best['accuracy']:
        return {'accuracy': sel['accuracy'], 'epoch': epoch, 'select_on': select_on, 'metrics': sel}
    return None


def warmup_cosine(peak_lr, steps_per_epoch, epochs, warmup_epochs):
    """The learning rate of each step: linear warm-up over warmup_epochs, then cosine to zero at the last step."""
    total = steps_per_epoch * epochs
    warm = steps_per_epoch * warmup_epochs

    def lr_at(step):
        if step < warm:
            return peak_lr * (step + 1) / warm
        return 0.5 * peak_lr * (1 + math.cos(math.pi * (step - warm) / max(1, total - warm)))

    return lr_at


def resume_from(name, net, opt, gen, resume):
    """With resume and out/NAME-last.pt present: loads the net, optimiser and shuffle state into them and returns the
    saved state (epoch, history, best, and whatever else the stage keeps); else None."""
    last_path = os.path.join(OUT, f'{name}-last.pt')
    if not (resume and os.path.exists(last_path)):
        return None
    st = torch.load(last_path)
    net.load_state_dict(st['net'])
    opt.load_state_dict(st['opt'])
    gen.set_state(st['gen'])
    print(f"resumed after epoch {st['epoch']}", flush=True)
    return st


def end_epoch(name, best, ms, select_on, epoch, net, state, metrics_doc):
    """After an epoch is scored (ms): keeps net's weights as out/NAME.pt when select_on beats best, writes the resumable
    state (with epoch and best) to out/NAME-last.pt atomically, and metrics_doc with the selection to
    out/NAME-metrics.json. Returns the selection record."""
    new_best = better(best, ms, select_on, epoch)
    if new_best:
        best = new_best
        torch.save(net.state_dict(), os.path.join(OUT, f'{name}.pt'))
    last_path = os.path.join(OUT, f'{name}-last.pt')
    torch.save({**state, 'epoch': epoch, 'best': best}, last_path + '.tmp')
    os.replace(last_path + '.tmp', last_path)
    save_json(f'{name}-metrics.json', {**metrics_doc, 'selected': best})
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--epochs', type=int)
    ap.add_argument('--resume', action='store_true')
    ap.add_argument('--stage', choices=['main', 'snapshot', 'peer', 'peer_snapshot', 'peer_cycle3'], default='main')
    args = ap.parse_args()
    cfg = load_config()
    seed_everything(cfg['seed'], cfg['threads'])
    t_cfg = {**cfg['train'], **(cfg[args.stage] if args.stage != 'main' else {})}
    name = 'face-cnn' if args.stage == 'main' else f"face-cnn-{args.stage.replace('_', '-')}"
    # channels_last runs the convolutions ~12 % faster here; off in stage main so its shipped weights reproduce.
    fmt = torch.channels_last if t_cfg.get('channels_last') else torch.contiguous_format
    epochs = args.epochs or t_cfg['epochs']

    xtr_u8, ytr_np, _ = load_split(cfg, 'train')
    xva_u8, yva_np, _ = load_split(cfg, 'val')
    xtr, ytr = to_input(xtr_u8), torch.from_numpy(ytr_np)
    xva = to_input(xva_u8)
    print(f'train {len(ytr)} images, val {len(yva_np)} images, {epochs} epochs', flush=True)

    if 'from' not in t_cfg and t_cfg.get('seed_offset'):
        torch.manual_seed(cfg['seed'] + t_cfg['seed_offset'])  # a peer trained from scratch starts from other weights
    net = new_net(cfg)
    if 'from' in t_cfg:
        net.load_state_dict(torch.load(os.path.join(OUT, t_cfg['from'])))
        print(f"starting from {t_cfg['from']}", flush=True)
    # The nets this one will be averaged with (default: the one it starts from).
    partners = t_cfg.get('ensemble_with', [t_cfg['from']] if 'from' in t_cfg else [])
    rng = torch.get_rng_state()  # building partners must not shift this run's dropout draws
    partner_va = partner_logits(cfg, partners, xva, yva_np)
    torch.set_rng_state(rng)
    # How this net is scored with its partners: the first stages averaged logits; later ones follow export.combine.
    combine = t_cfg.get('combine', 'logits')
    net = net.to(memory_format=fmt)
    print(f'{sum(p.numel() for p in net.parameters()) / 1e6:.2f} M parameters', flush=True)
    opt = sgd(net, t_cfg['lr'], t_cfg['weight_decay'])
    bs = t_cfg['batch_size']
    steps_per_epoch = len(ytr) // bs
    lr_at = warmup_cosine(t_cfg['lr'], steps_per_epoch, epochs, t_cfg['warmup_epochs'])
    gen = torch.Generator().manual_seed(cfg['seed'] + t_cfg.get('seed_offset', 0))
    start, history, best = 0, [], {'accuracy': -1}
    st = resume_from(name, net, opt, gen, args.resume)
    if st:
        start, history, best = st['epoch'], st['history'], st['best']

    for epoch in range(start, epochs):
        t0 = time.time()
        train_loss, train_acc = train_epoch(net, opt, xtr, ytr, cfg, bs, t_cfg['label_smoothing'], gen, fmt, lr_at, epoch * steps_per_epoch)
        logits_va = evaluate(net, xva)
        logits_va_flip = evaluate(net, torch.flip(xva, dims=[3]))
        scored = {'': logits_va, '_flip': logits_va + logits_va_flip}
        if partner_va:  # combined with its partners, as the export does
            scored['_ensemble'] = combine_passes([logits_va] + partner_va[0::2], combine)
            scored['_ensemble_flip'] = combine_passes([logits_va, logits_va_flip] + partner_va, combine)
        rec = {'epoch': epoch + 1, 'train_loss': train_loss, 'train_acc': train_acc}
        ms = score_epoch(rec, scored, yva_np, cfg['labels'], t0)
        history.append(rec)
        # Selection metric from config: val accuracy of the face alone or averaged with its mirror image (a
        # steadier estimate of the same weights); the export decides separately whether the app averages.
        # `val_acc_ensemble` scores this net averaged with its partners (ensemble_with, or the net it started from).
        best = end_epoch(name, best, ms, t_cfg['select_on'], epoch + 1, net,
                         {'net': net.state_dict(), 'opt': opt.state_dict(), 'gen': gen.get_state(), 'history': history},
                         {'history': history, 'config': cfg})

    print(f"selected epoch {best['epoch']}: val accuracy {best['accuracy']:.4f}, macro-F1 {best['metrics']['macro_f1']:.4f}")
    print(format_confusion(np.array(best['metrics']['confusion']), cfg['labels']))


if __name__ == '__main__':
    main()
