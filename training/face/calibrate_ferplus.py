"""Temperature scaling (Guo et al. 2017) of the FER+ model on the selection split carved out of Training (never on
PublicTest): the outputs of ferplus.export.members combined as the export combines them (with flip averaging if on),
one temperature T fitted by minimising the cross-entropy against the crowd's vote distributions. Reports, before and
after: expected calibration error (15 bins) of the top class against the FER+ majority label, the soft cross-entropy,
accuracy and macro-F1 against the FER+ majority, accuracy against the original FER2013 label, confusion matrix; and
the ECE against the vote share (the top-class confidence against the share of the crowd that chose that class, on
every image): the calibration a model of the vote distribution aims at.

  /usr/bin/python3 training/face/calibrate_ferplus.py

Writes out/face-fp-calibration.json (read by export_onnx.py --ferplus and scripts/models/register-face-model.ts)."""
import numpy as np
import torch

from common import ece, ece_soft, fit_temperature, format_confusion, load_config, metrics, pipeline, save_json, seed_everything, to_input, OUT
from ferplus import LABELS
from model import ensemble_scores, load_members
from train_ferplus import split_training


def main():
    cfg = load_config()
    seed_everything(cfg['seed'], cfg['threads'])
    pl = pipeline(cfg, ferplus=True)
    e = pl['export']
    _, se, _ = split_training(cfg)
    nets = load_members(cfg, OUT, e, len(LABELS))
    x = to_input(se['png'])
    with torch.no_grad():
        logits = torch.cat([ensemble_scores(nets, x[i:i + 512], e['flip_tta'], e['combine']) for i in range(0, len(x), 512)])
    target = torch.from_numpy(se['target'])
    t = fit_temperature(logits, lambda z: -(target * torch.log_softmax(z, 1)).sum(1).mean())
    bins = cfg['calibration']['bins']
    maj = se['majority'] >= 0
    fer = se['fer2013'] >= 0
    res = {'temperature': t, 'bins': bins, 'flip_tta': e['flip_tta'], 'combine': e['combine'], 'members': e['members'],
           'split': f"selection split: {cfg['ferplus']['selection_fraction']:.0%} of FER+ Training (seed {cfg['ferplus']['selection_seed']}), exact pixels",
           'n': int(len(target)), 'n_majority': int(maj.sum()), 'n_fer2013': int(fer.sum())}
    for when, z in (('before', logits), ('after', logits / t)):
        p = torch.softmax(z, 1)
        pn = p.numpy()
        res[f'ece_{when}'] = ece(pn[maj], se['majority'][maj], bins)
        res[f'ece_votes_{when}'] = ece_soft(pn, se['target'], bins)
        res[f'soft_ce_{when}'] = float(-(target * torch.log(p.clamp_min(1e-12))).sum(1).mean())
    p = torch.softmax(logits / t, 1).numpy()
    m = metrics(se['majority'][maj], p[maj].argmax(1), LABELS)
    res.update(m)
    res['fer2013_accuracy'] = float((p[fer].argmax(1) == se['fer2013'][fer]).mean())
    save_json('face-fp-calibration.json', res)
    print(f"T={t:.4f}  ECE (majority label) {res['ece_before']:.4f} -> {res['ece_after']:.4f}  ECE (vote share) {res['ece_votes_before']:.4f} -> {res['ece_votes_after']:.4f}  "
          f"soft CE {res['soft_ce_before']:.4f} -> {res['soft_ce_after']:.4f}")
    print(f"selection split: FER+ majority accuracy {m['accuracy']:.4f} macro-F1 {m['macro_f1']:.4f} (n={res['n_majority']}); "
          f"FER2013 label accuracy {res['fer2013_accuracy']:.4f} (n={res['n_fer2013']})")
    print(format_confusion(np.array(m['confusion']), LABELS))


if __name__ == '__main__':
    main()
