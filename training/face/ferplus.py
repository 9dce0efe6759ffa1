"""FER+ data (Barsoum et al. 2016): the exact FER2013 pixels (PNG), the contrast-stretched Kaggle JPG of the same row,
the crowd's vote distribution over the 8 emotions as a soft target, and the FER2013 label, from
../shared/data/ferplus/labels.csv (research data, read at run time, cached in out/ as arrays, never copied into the repo).

Model classes are the app's canonical order plus contempt: neutral, happy, sad, surprise, fear, disgust, angry, contempt.
The selection split is carved out of Training by a fixed seed, whole groups of pixel-identical images at a time, so
no copy of a selection image is trained on."""
import csv
import hashlib
import os

import numpy as np

from common import OUT

# FER+ vote columns in the model's class order (canonical order, then contempt).
VOTE_COLUMNS = ['neutral', 'happiness', 'sadness', 'surprise', 'fear', 'disgust', 'anger', 'contempt']
LABELS = ['neutral', 'happy', 'sad', 'surprise', 'fear', 'disgust', 'angry', 'contempt']
FERPLUS_NAME = dict(zip(VOTE_COLUMNS, LABELS))  # ferplus_majority value -> model label


def _png(path):
    from PIL import Image
    return np.asarray(Image.open(path).convert('L'), dtype=np.uint8)


def _jpg(path, size):
    from PIL import Image
    im = Image.open(path).convert('L')
    if im.size != (size, size):
        im = im.resize((size, size), Image.BILINEAR)
    return np.asarray(im, dtype=np.uint8)


def load_usage(fp, usage):
    """All rows of one FER2013 usage (Training or PublicTest) that have an image, as a dict of arrays:
    png uint8 [N,S,S]; jpg uint8 [N,S,S] (zeros where has_jpg is False); votes int [N,10] (the 8 emotions in model
    order, then unknown, NF); majority int [N] (model class index, -1 without a FER+ majority); fer2013 int [N] (model
    class index, -1 where labels.csv has none); row int [N]; hash bytes (sha1 of the pixels, for duplicates).
    Cached in out/ferplus-<usage>.npz."""
    cache = os.path.join(OUT, f'ferplus-{usage}.npz')
    if os.path.exists(cache):
        z = np.load(cache)
        return {k: z[k] for k in z.files}
    root = fp['data_dir']
    shared_data = os.path.dirname(root)
    path = os.path.join(root, 'labels.csv')
    if not os.path.exists(path):
        raise SystemExit(f'{path} not found: FER+ must be in ../shared/data/ferplus beside the repository')
    S = fp['size']
    png, jpg, has_jpg, votes, majority, fer, rows, hashes = [], [], [], [], [], [], [], []
    with open(path, newline='') as f:
        for r in csv.DictReader(f):
            if r['usage'] != usage or not r['file']:
                continue
            x = _png(os.path.join(root, r['file']))
            png.append(x)
            hashes.append(hashlib.sha1(x.tobytes()).hexdigest())
            if r['fer2013_jpg']:
                jpg.append(_jpg(os.path.join(shared_data, r['fer2013_jpg']), S))
                has_jpg.append(True)
            else:
                jpg.append(np.zeros((S, S), np.uint8))
                has_jpg.append(False)
            votes.append([int(r[c]) for c in VOTE_COLUMNS] + [int(r['unknown']), int(r['NF'])])
            majority.append(LABELS.index(FERPLUS_NAME[r['ferplus_majority']]) if r['ferplus_majority'] else -1)
            fer.append(LABELS.index(r['fer2013_label']) if r['fer2013_label'] else -1)
            rows.append(int(r['fer2013_row']))
    d = {'png': np.stack(png), 'jpg': np.stack(jpg), 'has_jpg': np.array(has_jpg), 'votes': np.array(votes, np.int64),
         'majority': np.array(majority, np.int64), 'fer2013': np.array(fer, np.int64), 'row': np.array(rows, np.int64),
         'hash': np.array(hashes)}
    np.savez(cache, **d)
    return d


def soft_targets(votes, fp):
    """The 8-emotion vote distribution per image (unknown and NF dropped). Votes of `drop_single_votes` size or less are
    treated as noise and removed when other emotions got more (FER+'s own recipe drops single outlier votes).
    Returns (targets float32 [N,8], usable bool [N]): an image is unusable when no emotion vote remains or when the
    crowd called it not a face (NF above half the votes)."""
    e = votes[:, :8].astype(np.float64)
    k = fp.get('drop_single_votes', 1)
    if k:
        cleaned = np.where(e <= k, 0.0, e)
        keep = cleaned.sum(1) > 0
        e = np.where(keep[:, None], cleaned, e)
    total = e.sum(1)
    usable = (total > 0) & (votes[:, 9] * 2 <= votes.sum(1))
    t = np.where(usable[:, None], e / np.maximum(total, 1)[:, None], 0.0)
    return t.astype(np.float32), usable


def selection_mask(hashes, fraction, seed):
    """True for the images carved out of Training for selection: a seeded random `fraction` of the distinct images,
    with every pixel-identical copy on the same side."""
    uniq = sorted(set(hashes.tolist()))
    rng = np.random.default_rng(seed)
    chosen = set(np.array(uniq)[rng.random(len(uniq)) < fraction].tolist())
    return np.array([h in chosen for h in hashes.tolist()])


def publictest_duplicates(test_hashes, train_hashes):
    """True for the PublicTest images that are pixel-identical to a Training image."""
    train = set(train_hashes.tolist())
    return np.array([h in train for h in test_hashes.tolist()])
