"""Temperature scaling (Guo et al. 2017) of the exported model on FER2013 val (the outputs of export.members
combined by export.combine, with flip averaging if the export uses it): fits one temperature T by minimising the negative log-likelihood of softmax(logits / T), and
reports expected calibration error (15 bins) before and after, accuracy, macro-F1 and the confusion matrix.

  /usr/bin/python3 training/face/calibrate.py

Writes out/face-cnn-calibration.json (read by export_onnx.py and scripts/models/register-face-model.ts)."""
import numpy as np
import torch
import torch.nn.functional as F

from common import OUT, ece, fit_temperature, format_confusion, load_config, load_split, metrics, save_json, seed_everything, to_input
from model import ensemble_scores, load_members


def val_logits(cfg, nets):
    x_u8, y, _ = load_split(cfg, 'val')
    x = to_input(x_u8)
    with torch.no_grad():
        e = cfg['export']
        logits = torch.cat([ensemble_scores(nets, x[i:i + 512], e['flip_tta'], e['combine']) for i in range(0, len(x), 512)])
    return logits, y


def main():
    cfg = load_config()
    seed_everything(cfg['seed'], cfg['threads'])
    logits, y = val_logits(cfg, load_members(cfg, OUT))
    bins = cfg['calibration']['bins']
    p0 = torch.softmax(logits, 1).numpy()
    yt = torch.from_numpy(y)
    t = fit_temperature(logits, lambda z: F.cross_entropy(z, yt))
    p1 = torch.softmax(logits / t, 1).numpy()
    nll = lambda p: float(-np.log(np.clip(p[np.arange(len(y)), y], 1e-12, 1)).mean())
    m = metrics(y, p1.argmax(1), cfg['labels'])
    res = {'temperature': t, 'ece_before': ece(p0, y, bins), 'ece_after': ece(p1, y, bins), 'nll_before': nll(p0), 'nll_after': nll(p1),
           'bins': bins, 'flip_tta': cfg['export']['flip_tta'], 'combine': cfg['export']['combine'], 'members': cfg['export']['members'], 'n': int(len(y)), **m}
    save_json('face-cnn-calibration.json', res)
    print(f"T={t:.4f}  ECE {res['ece_before']:.4f} -> {res['ece_after']:.4f}  NLL {res['nll_before']:.4f} -> {res['nll_after']:.4f}")
    print(f"val accuracy {m['accuracy']:.4f} macro-F1 {m['macro_f1']:.4f} (n={len(y)})")
    print(format_confusion(np.array(m['confusion']), cfg['labels']))


if __name__ == '__main__':
    main()
