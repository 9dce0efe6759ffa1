"""Trains the face-emotion CNN on FER+ vote distributions (soft targets, 8 classes with contempt) over FER2013
Training, and selects the epoch on a selection split carved out of Training (never on PublicTest).

  /usr/bin/python3 training/face/train_ferplus.py [--stage a] [--epochs N] [--resume] [--stop-after N]

`ferplus` in config.json: the data (labels.csv folder, selection fraction and seed, which JPG share of each epoch is
the contrast-stretched Kaggle copy instead of the exact pixels, optional weight of the FER2013 label in the target) and
`stages`: each overrides `train` (epochs, lr, ...) and may start `from` another stage's weights, use another shuffle
and initialisation (`seed_offset`) and be scored together with `ensemble_with` nets. A stage NAME writes
out/face-fp-NAME.pt (the epoch with the best selection score), out/face-fp-NAME-last.pt (resumable state after every
epoch) and out/face-fp-NAME-metrics.json (per-epoch history on the selection split)."""
import argparse
import os
import time

import numpy as np
import torch

from common import OUT, format_confusion, load_config, seed_everything, to_input
from ferplus import LABELS, load_usage, selection_mask, soft_targets
from model import FaceEmotionNet, combine_passes
from train import end_epoch, evaluate, resume_from, sgd, train_epoch, warmup_cosine
from shared import metrics


def ferplus_config(cfg):
    fp = {**cfg['ferplus'], 'size': cfg['size']}
    fp['data_dir'] = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), fp['data_dir']))
    return fp


def new_fp_net(cfg):
    return FaceEmotionNet(cfg['model']['channels'], len(LABELS), cfg['model']['dropout'])


def split_training(cfg, fer2013_weight=None):
    """(train dict, selection dict) of FER+ Training: arrays restricted to usable images (see soft_targets), with
    'target' (float [N,8]) added; the selection side is the carved-out split. fer2013_weight (a stage's own, else
    the ferplus section's) mixes the original FER2013 label into the target."""
    fp = ferplus_config(cfg)
    d = load_usage(fp, 'Training')
    target, usable = soft_targets(d['votes'], fp)
    w = fp.get('fer2013_weight', 0.0) if fer2013_weight is None else fer2013_weight
    if w:  # optionally mix the original FER2013 label into the target
        has = d['fer2013'] >= 0
        onehot = np.zeros_like(target)
        onehot[np.arange(len(target))[has], d['fer2013'][has]] = 1.0
        target = np.where(has[:, None], (1 - w) * target + w * onehot, target)
    d['target'] = target
    sel = selection_mask(d['hash'], fp['selection_fraction'], fp['selection_seed'])
    pick = lambda m: {k: v[m] for k, v in d.items()}
    return pick(usable & ~sel), pick(usable & sel), fp


def selection_scores(cfg, logits_views, s):
    """Scores on the selection split from the combined logits of each view set: FER+ majority accuracy and macro-F1
    (images with a majority), accuracy against the FER2013 label (images with one), and the soft-target cross-entropy."""
    out = {}
    for key, z in logits_views.items():
        p = torch.softmax(z, 1)
        pred = p.argmax(1).numpy()
        m = s['majority'] >= 0
        mk = metrics(s['majority'][m], pred[m], LABELS)
        f = s['fer2013'] >= 0
        out[key] = {'accuracy': mk['accuracy'], 'macro_f1': mk['macro_f1'], 'metrics': mk,
                    'fer2013_accuracy': float((pred[f] == s['fer2013'][f]).mean()),
                    'fer2013_metrics': metrics(s['fer2013'][f], pred[f], LABELS),
                    'soft_ce': float(-(torch.from_numpy(s['target']) * torch.log(p.clamp_min(1e-12))).sum(1).mean())}
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--stage', default='a')
    ap.add_argument('--epochs', type=int)
    ap.add_argument('--resume', action='store_true')
    ap.add_argument('--stop-after', type=int, help='end after this epoch (the schedule still spans --epochs): replays an interrupted run')
    args = ap.parse_args()
    cfg = load_config()
    seed_everything(cfg['seed'], cfg['threads'])
    fp = ferplus_config(cfg)
    t_cfg = {**cfg['train'], **fp['stages'][args.stage]}
    tr, se, fp = split_training(cfg, t_cfg.get('fer2013_weight'))
    name = f'face-fp-{args.stage}'
    fmt = torch.channels_last if t_cfg.get('channels_last') else torch.contiguous_format
    epochs = args.epochs or t_cfg['epochs']
    print(f"train {len(tr['target'])} images, selection {len(se['target'])} ({int((se['majority'] >= 0).sum())} with a FER+ majority), "
          f'{epochs} epochs', flush=True)

    if 'from' not in t_cfg and t_cfg.get('seed_offset'):
        torch.manual_seed(cfg['seed'] + t_cfg['seed_offset'])
    net = new_fp_net(cfg)
    if 'from' in t_cfg:
        net.load_state_dict(torch.load(os.path.join(OUT, t_cfg['from'])))
        print(f"starting from {t_cfg['from']}", flush=True)
    xse = to_input(se['png'])
    partners = t_cfg.get('ensemble_with', [])
    rng = torch.get_rng_state()
    partner_views = []
    for partner in partners:
        pnet = new_fp_net(cfg)
        pnet.load_state_dict(torch.load(os.path.join(OUT, partner)))
        partner_views += [evaluate(pnet, xse), evaluate(pnet, torch.flip(xse, dims=[3]))]
    torch.set_rng_state(rng)
    combine = t_cfg.get('combine', 'probabilities')
    net = net.to(memory_format=fmt)
    print(f'{sum(p.numel() for p in net.parameters()) / 1e6:.2f} M parameters', flush=True)
    opt = sgd(net, t_cfg['lr'], t_cfg['weight_decay'])
    bs = t_cfg['batch_size']
    steps_per_epoch = len(tr['target']) // bs
    lr_at = warmup_cosine(t_cfg['lr'], steps_per_epoch, epochs, t_cfg['warmup_epochs'])
    gen = torch.Generator().manual_seed(cfg['seed'] + t_cfg.get('seed_offset', 0))
    start, history, best = 0, [], {'accuracy': -1}
    st = resume_from(name, net, opt, gen, args.resume)
    if st:
        start, history, best = st['epoch'], st['history'], st['best']

    ytr = torch.from_numpy(tr['target'])
    has_jpg = torch.from_numpy(tr['has_jpg'])
    for epoch in range(start, epochs):
        t0 = time.time()
        # Each image is seen as its exact pixels or, with probability jpg_prob, as the contrast-stretched JPG copy:
        # the app meets both kinds of contrast, and FER2013 figures are usually reported on the JPG release.
        use_jpg = (torch.rand(len(ytr), generator=gen) < fp['jpg_prob']) & has_jpg
        x_u8 = np.where(use_jpg.numpy()[:, None, None], tr['jpg'], tr['png'])
        train_loss, train_acc = train_epoch(net, opt, to_input(x_u8), ytr, cfg, bs, t_cfg.get('label_smoothing', 0.0), gen, fmt,
                                            lr_at, epoch * steps_per_epoch)
        z, zf = evaluate(net, xse), evaluate(net, torch.flip(xse, dims=[3]))
        views = {'': z, '_flip': combine_passes([z, zf], combine)}
        if partner_views:
            views['_ensemble_flip'] = combine_passes([z, zf] + partner_views, combine)
        sc = selection_scores(cfg, views, se)
        rec = {'epoch': epoch + 1, 'train_loss': train_loss, 'train_acc': train_acc}
        for k, v in sc.items():
            rec[f'sel_acc{k}'], rec[f'sel_macro_f1{k}'] = v['accuracy'], v['macro_f1']
            rec[f'sel_fer2013_acc{k}'], rec[f'sel_soft_ce{k}'] = v['fer2013_accuracy'], v['soft_ce']
        rec['seconds'] = time.time() - t0
        print(' '.join(f'{k}={v:.4f}' if isinstance(v, float) else f'{k}={v}' for k, v in rec.items()), flush=True)
        history.append(rec)
        # A stage that selects on sel_fer2013_acc* (one aimed at FER2013's own labels) is scored against those.
        select_on, by_fer2013 = t_cfg['select_on'], t_cfg['select_on'].startswith('sel_fer2013_acc')
        ms = {k: v['fer2013_metrics' if by_fer2013 else 'metrics'] for k, v in sc.items()}
        if by_fer2013:  # end_epoch reads the view from the name's tail after 'sel_acc'
            select_on = 'sel_acc' + select_on[len('sel_fer2013_acc'):]
        best = end_epoch(name, best, ms, select_on, epoch + 1, net,
                         {'net': net.state_dict(), 'opt': opt.state_dict(), 'gen': gen.get_state(), 'history': history},
                         {'history': history, 'config': cfg, 'labels': LABELS})
        if args.stop_after and epoch + 1 >= args.stop_after:
            print(f'stopped after epoch {epoch + 1} (--stop-after)', flush=True)
            break

    print(f"selected epoch {best['epoch']}: selection {'FER2013-label' if t_cfg['select_on'].startswith('sel_fer2013') else 'FER+'} "
          f"accuracy {best['accuracy']:.4f}, macro-F1 {best['metrics']['macro_f1']:.4f}")
    print(format_confusion(np.array(best['metrics']['confusion']), LABELS))


if __name__ == '__main__':
    main()
