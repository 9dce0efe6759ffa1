"""Scores eight-class (FER+ order) nets from out/ on FER2013 PublicTest, the Kaggle JPGs of fer2013/val, against the
original FER2013 labels, face and mirror averaged, in PyTorch: a quick check of a stage before exporting it (a
prediction of contempt counts as wrong). The app's own figures come from eval:faces after registration.

  /usr/bin/python3 training/face/score_fer2013_val.py face-fp-b.pt [face-fp-a.pt ...]"""
import os
import sys

import numpy as np
import torch

from common import OUT, load_config, load_split, metrics, to_input
from ferplus import LABELS
from train import evaluate
from train_ferplus import new_fp_net


def main():
    cfg = load_config()
    torch.set_num_threads(cfg['threads'])
    x_u8, y, _ = load_split(cfg, 'val')
    x = to_input(x_u8)
    # FER+ output index -> FER2013 label index; contempt (not a FER2013 label) -> -1
    to_fer2013 = np.array([cfg['labels'].index(l) if l in cfg['labels'] else -1 for l in LABELS])
    for name in sys.argv[1:]:
        net = new_fp_net(cfg)
        net.load_state_dict(torch.load(os.path.join(OUT, name)))
        p = (torch.softmax(evaluate(net, x), 1) + torch.softmax(evaluate(net, torch.flip(x, dims=[3])), 1)) / 2
        pred = to_fer2013[p.argmax(1).numpy()]
        contempt = pred < 0
        pred = np.where(contempt, (y + 1) % len(cfg['labels']), pred)  # some label other than the truth
        m = metrics(y, pred, cfg['labels'])
        print(f"{name}: accuracy={m['accuracy']:.4f} macro_f1={m['macro_f1']:.4f} n={len(y)} contempt={int(contempt.sum())}")


if __name__ == '__main__':
    main()
