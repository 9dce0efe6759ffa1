"""Stochastic weight averaging (Izmailov et al. 2018, "Averaging weights leads to wider optima") of one trained net:
continues training from it at a constant learning rate, averages the weights at the end of every epoch, and
recomputes the batch-norm statistics of the average on FER2013 train images (un-augmented, as the app feeds faces).
The average is one net of the same size, so it costs nothing at inference.

  /usr/bin/python3 training/face/swa.py --member face-cnn-snapshot.pt [--threads N] [--resume]

`swa` in config.json: epochs, lr, select_on, and `members`: for each net that may be averaged, its shuffle seed_offset and
`ensemble_with`, the nets its average is scored with each epoch, face and mirror, as the export averages them. Writes out/<member>-swa.pt (the epoch chosen by
`swa.select_on`), out/<member>-swa-last.pt (resumable state) and out/<member>-swa-metrics.json."""
import argparse
import copy
import os
import time

import torch

from common import OUT, load_config, load_split, seed_everything, to_input
from model import combine_passes, new_net
from train import end_epoch, evaluate, partner_logits, resume_from, score_epoch, sgd, train_epoch


def update_bn(net, x, bs=512):
    """Batch-norm running statistics of the averaged weights: the exact mean and variance over x (momentum None
    makes torch average over all batches), since those of the nets averaged do not belong to the average."""
    bns = [m for m in net.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    for m in bns:
        m.reset_running_stats()
        m.momentum = None
    net.train()
    with torch.no_grad():
        for i in range(0, len(x), bs):
            net(x[i:i + bs])
    for m in bns:
        m.momentum = 0.1
    net.eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--member', required=True, help='weights in out/ to continue from, e.g. face-cnn-snapshot.pt')
    ap.add_argument('--threads', type=int, help='CPU threads (default: config threads); 1 lets two members run side by side')
    ap.add_argument('--resume', action='store_true')
    args = ap.parse_args()
    cfg = load_config()
    s_cfg = cfg['swa']
    if args.member not in s_cfg['members']:
        raise SystemExit(f"{args.member} is not in swa.members of config.json")
    m_swa = s_cfg['members'][args.member]
    seed_offset = m_swa['seed_offset']  # each net its own shuffle
    seed_everything(cfg['seed'] + seed_offset, args.threads or cfg['threads'])
    name = args.member[:-len('.pt')] + '-swa'
    fmt = torch.channels_last

    xtr_u8, ytr_np, _ = load_split(cfg, 'train')
    xva_u8, yva_np, _ = load_split(cfg, 'val')
    xtr, ytr, xva = to_input(xtr_u8), torch.from_numpy(ytr_np), to_input(xva_u8)

    net = new_net(cfg)
    net.load_state_dict(torch.load(os.path.join(OUT, args.member)))
    net = net.to(memory_format=fmt)
    partners = m_swa['ensemble_with']
    partner_va = partner_logits(cfg, partners, xva, yva_np)
    combine = m_swa.get('combine', 'logits')  # how the average is scored with its partners
    epochs = m_swa.get('epochs', s_cfg['epochs'])
    opt = sgd(net, s_cfg['lr'], cfg['train']['weight_decay'])
    gen = torch.Generator().manual_seed(cfg['seed'] + seed_offset)
    avg, n_avg, start, history, best = None, 0, 0, [], {'accuracy': -1}
    st = resume_from(name, net, opt, gen, args.resume)
    if st:
        avg, n_avg, start, history, best = st['avg'], st['n_avg'], st['epoch'], st['history'], st['best']
    print(f"SWA of {args.member}: {epochs} epochs at lr {s_cfg['lr']}, scored with {partners} ({combine} averaged)", flush=True)

    for epoch in range(start, epochs):
        t0 = time.time()
        train_loss, _ = train_epoch(net, opt, xtr, ytr, cfg, cfg['train']['batch_size'], cfg['train']['label_smoothing'], gen, fmt)
        # Running mean of the weights at each epoch's end (batch-norm buffers are recomputed below).
        sd = {k: v.detach().clone().float() for k, v in net.state_dict().items() if v.dtype.is_floating_point}
        if avg is None:
            avg = sd
        else:
            for k in avg:
                avg[k] += (sd[k] - avg[k]) / (n_avg + 1)
        n_avg += 1
        swa_net = copy.deepcopy(net)
        swa_net.load_state_dict({**net.state_dict(), **avg})
        update_bn(swa_net, xtr)
        z, zm = evaluate(swa_net, xva), evaluate(swa_net, torch.flip(xva, dims=[3]))
        scored = {'_flip': z + zm}
        if partner_va:  # combined with its partners, face and mirror, as the export does
            scored['_ensemble_flip'] = combine_passes([z, zm] + partner_va, combine)
        rec = {'epoch': epoch + 1, 'averaged': n_avg, 'train_loss': train_loss}
        ms = score_epoch(rec, scored, yva_np, cfg['labels'], t0)
        history.append(rec)
        best = end_epoch(name, best, ms, s_cfg['select_on'], epoch + 1, swa_net.to(memory_format=torch.contiguous_format),
                         {'net': net.state_dict(), 'opt': opt.state_dict(), 'gen': gen.get_state(), 'avg': avg, 'n_avg': n_avg, 'history': history},
                         {'member': args.member, 'seed_offset': seed_offset, 'history': history, 'config': cfg})
    print(f"selected epoch {best['epoch']}: val accuracy {best['accuracy']:.4f}, macro-F1 {best['metrics']['macro_f1']:.4f}")


if __name__ == '__main__':
    main()
