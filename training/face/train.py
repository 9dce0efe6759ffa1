"""Trains the face-emotion CNN on FER2013 train, selects the epoch by accuracy on FER2013 val (PublicTest).

  /usr/bin/python3 training/face/train.py [--epochs N] [--resume]

Writes out/face-cnn.pt (selected weights), out/face-cnn-last.pt (resumable state, every epoch) and
out/face-cnn-metrics.json (per-epoch history, the selected epoch's confusion matrix)."""
import argparse
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from augment import augment
from common import OUT, format_confusion, load_config, load_split, metrics, save_json, seed_everything, to_input
from model import FaceEmotionNet


def evaluate(net, x, bs=512):
    net.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(x), bs):
            out.append(net(x[i:i + bs]))
    net.train()
    return torch.cat(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--epochs', type=int)
    ap.add_argument('--resume', action='store_true')
    args = ap.parse_args()
    cfg = load_config()
    seed_everything(cfg['seed'], cfg['threads'])
    t_cfg, a_cfg, m_cfg = cfg['train'], cfg['aug'], cfg['model']
    epochs = args.epochs or t_cfg['epochs']

    xtr_u8, ytr_np, _ = load_split(cfg, 'train')
    xva_u8, yva_np, _ = load_split(cfg, 'val')
    xtr, ytr = to_input(xtr_u8), torch.from_numpy(ytr_np)
    xva = to_input(xva_u8)
    print(f'train {len(ytr)} images, val {len(yva_np)} images, {epochs} epochs', flush=True)

    net = FaceEmotionNet(m_cfg['channels'], len(cfg['labels']), m_cfg['dropout'])
    print(f'{sum(p.numel() for p in net.parameters()) / 1e6:.2f} M parameters', flush=True)
    decay = [p for n, p in net.named_parameters() if p.ndim > 1]
    no_decay = [p for n, p in net.named_parameters() if p.ndim <= 1]
    opt = torch.optim.SGD([{'params': decay, 'weight_decay': t_cfg['weight_decay']}, {'params': no_decay, 'weight_decay': 0}],
                          lr=t_cfg['lr'], momentum=0.9, nesterov=True)
    bs = t_cfg['batch_size']
    steps_per_epoch = len(ytr) // bs
    total = steps_per_epoch * epochs
    warm = steps_per_epoch * t_cfg['warmup_epochs']

    def lr_at(step):  # linear warm-up, then cosine to zero
        if step < warm:
            return t_cfg['lr'] * (step + 1) / warm
        return 0.5 * t_cfg['lr'] * (1 + math.cos(math.pi * (step - warm) / max(1, total - warm)))

    gen = torch.Generator().manual_seed(cfg['seed'])
    start, history, best = 0, [], {'accuracy': -1}
    last_path = os.path.join(OUT, 'face-cnn-last.pt')
    if args.resume and os.path.exists(last_path):
        st = torch.load(last_path)
        net.load_state_dict(st['net'])
        opt.load_state_dict(st['opt'])
        gen.set_state(st['gen'])
        start, history, best = st['epoch'], st['history'], st['best']
        print(f'resumed after epoch {start}', flush=True)

    for epoch in range(start, epochs):
        t0 = time.time()
        perm = torch.randperm(len(ytr), generator=gen)
        run_loss, run_ok = 0.0, 0
        for s in range(steps_per_epoch):
            step = epoch * steps_per_epoch + s
            for g in opt.param_groups:
                g['lr'] = lr_at(step)
            idx = perm[s * bs:(s + 1) * bs]
            xb, yb = augment(xtr[idx], a_cfg, gen), ytr[idx]
            logits = net(xb)
            loss = F.cross_entropy(logits, yb, label_smoothing=t_cfg['label_smoothing'])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            run_loss += loss.item()
            run_ok += (logits.argmax(1) == yb).sum().item()
        logits_va = evaluate(net, xva)
        pred = logits_va.argmax(1).numpy()
        flip_pred = (logits_va + evaluate(net, torch.flip(xva, dims=[3]))).argmax(1).numpy()
        m = metrics(yva_np, pred, cfg['labels'])
        mf = metrics(yva_np, flip_pred, cfg['labels'])
        rec = {'epoch': epoch + 1, 'train_loss': run_loss / steps_per_epoch, 'train_acc': run_ok / (steps_per_epoch * bs),
               'val_acc': m['accuracy'], 'val_macro_f1': m['macro_f1'], 'val_acc_flip': mf['accuracy'],
               'val_macro_f1_flip': mf['macro_f1'], 'seconds': time.time() - t0}
        history.append(rec)
        print(' '.join(f'{k}={v:.4f}' if isinstance(v, float) else f'{k}={v}' for k, v in rec.items()), flush=True)
        # Selection metric from config: val accuracy of the face alone or averaged with its mirror image (a
        # steadier estimate of the same weights); the export decides separately whether the app averages.
        flip = t_cfg['select_on'] == 'val_acc_flip'
        score = mf['accuracy'] if flip else m['accuracy']
        if score > best['accuracy']:
            best = {'accuracy': score, 'epoch': epoch + 1, 'select_on': t_cfg['select_on'], 'metrics': mf if flip else m}
            torch.save(net.state_dict(), os.path.join(OUT, 'face-cnn.pt'))
        torch.save({'net': net.state_dict(), 'opt': opt.state_dict(), 'gen': gen.get_state(), 'epoch': epoch + 1,
                    'history': history, 'best': best}, last_path + '.tmp')
        os.replace(last_path + '.tmp', last_path)
        save_json('face-cnn-metrics.json', {'history': history, 'selected': best, 'config': cfg})

    print(f"selected epoch {best['epoch']}: val accuracy {best['accuracy']:.4f}, macro-F1 {best['metrics']['macro_f1']:.4f}")
    print(format_confusion(np.array(best['metrics']['confusion']), cfg['labels']))


if __name__ == '__main__':
    main()
