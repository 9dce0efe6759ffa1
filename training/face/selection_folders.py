"""Lays out the selection split (carved out of FER+ Training, never trained on) as label folders of symbolic links
to the research images, for the app's evaluation scripts (eval:faces DIR, eval:fusion --faces DIR): the development
faces on which the fusion weights are learnt. Nothing is copied; the links point into ../shared/data.

  /usr/bin/python3 training/face/selection_folders.py

Writes out/selection-fer2013/<label>/ (the Kaggle JPG of each image, by its FER2013 label: the format of
fer2013/val, the test faces) and out/selection-ferplus/<label>/ (the exact pixels, by the FER+ majority)."""
import csv
import os
import shutil

from common import OUT, load_config
from ferplus import FERPLUS_NAME
from train_ferplus import ferplus_config, split_training


def main():
    cfg = load_config()
    fp = ferplus_config(cfg)
    _, se, _ = split_training(cfg)
    rows = set(se['row'].tolist())
    shared_data = os.path.dirname(fp['data_dir'])
    counts = {}
    for kind in ('fer2013', 'ferplus'):
        shutil.rmtree(os.path.join(OUT, f'selection-{kind}'), ignore_errors=True)
    with open(os.path.join(fp['data_dir'], 'labels.csv'), newline='') as f:
        for r in csv.DictReader(f):
            if r['usage'] != 'Training' or int(r['fer2013_row']) not in rows:
                continue
            links = []
            if r['fer2013_label'] and r['fer2013_jpg']:
                links.append(('fer2013', r['fer2013_label'], os.path.join(shared_data, r['fer2013_jpg'])))
            if r['ferplus_majority']:
                links.append(('ferplus', FERPLUS_NAME[r['ferplus_majority']], os.path.join(fp['data_dir'], r['file'])))
            for kind, label, target in links:
                d = os.path.join(OUT, f'selection-{kind}', label)
                os.makedirs(d, exist_ok=True)
                os.symlink(target, os.path.join(d, f"row{int(r['fer2013_row']):05d}{os.path.splitext(target)[1]}"))
                counts[(kind, label)] = counts.get((kind, label), 0) + 1
    for kind in ('fer2013', 'ferplus'):
        print(f'out/selection-{kind}: ' + ', '.join(f'{l} {n}' for (k, l), n in sorted(counts.items()) if k == kind))


if __name__ == '__main__':
    main()
