"""Splits FER2013 PublicTest (../shared/data/fer2013/val, the Kaggle JPGs) into two halves of label folders of symbolic
links, for eval:fusion: out/publictest-dev/ (the development faces on which the fusion weights are learnt) and
out/publictest-test/ (the test faces). The default face model, face-emotion-fer-cnn, was trained on every Training
image, so only PublicTest is out of sample for it (its temperature was fitted there, so both halves see the same
calibration). Each label's files, sorted by name, are shuffled with a fixed seed and cut in half. Nothing is copied.

  /usr/bin/python3 training/face/publictest_halves.py [--seed 2026]"""
import os
import random
import shutil
import sys

from common import OUT, load_config


def main():
    cfg = load_config()
    seed = int(sys.argv[sys.argv.index('--seed') + 1]) if '--seed' in sys.argv else 2026
    val = os.path.join(cfg['data_dir'], 'val')
    for half in ('dev', 'test'):
        shutil.rmtree(os.path.join(OUT, f'publictest-{half}'), ignore_errors=True)
    counts = {}
    for label in sorted(os.listdir(val)):
        files = sorted(f for f in os.listdir(os.path.join(val, label)) if f.lower().endswith(('.jpg', '.jpeg', '.png')))
        random.Random(f'{seed}-{label}').shuffle(files)
        cut = len(files) // 2
        for half, part in (('dev', files[:cut]), ('test', files[cut:])):
            d = os.path.join(OUT, f'publictest-{half}', label)
            os.makedirs(d, exist_ok=True)
            for f in part:
                os.symlink(os.path.join(val, label, f), os.path.join(d, f))
            counts[(half, label)] = len(part)
    for half in ('dev', 'test'):
        print(f'out/publictest-{half}: ' + ', '.join(f'{l} {n}' for (h, l), n in sorted(counts.items()) if h == half))


if __name__ == '__main__':
    main()
