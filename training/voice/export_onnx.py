"""Exports a trained voice model to ONNX (opset 17) under models/, and writes out/<tag>-export.json for
scripts/voice/register-voice-model.ts, which adds the manifest entry and the model card section.

  python3 export_onnx.py logmel-cnn      # out/logmel-cnn.pt -> models/voice_emotion_logmel_cnn.onnx
  python3 export_onnx.py features        # out/features.pt   -> models/voice_emotion_features_mlp.onnx
  python3 export_onnx.py logmel-cnn-ensemble         # the `ensemble.members` runs, softmax outputs averaged
                                                     #   -> models/voice_emotion_logmel_cnn.onnx
  python3 export_onnx.py logmel-cnn-ensemble --dev   # the same members' --inner runs (trained on actors 01-12)
                                                     #   -> out/dev-models/ (a models folder for eval:fusion --fit)
  python3 export_onnx.py logmel-cnn-ensemble --dev --members=seed2   # one inner run of the shipped recipe

--dev writes out/dev-models/: the inner ensemble as the default voice model of a copy of models/manifest.json, the
other models linked from models/. Its outputs on actors 13-16 are out-of-sample, so the fusion weights can be learnt
on them (training/fusion.md) without touching the test actors 17-20.
"""
import hashlib
import json
import os
import shutil
import sys

import onnx
import torch

from common import HERE, load_config, seed_everything
from model_cnn import Exported as ExportedCnn
from model_cnn import ExportedEnsemble, build_net
from common import variant_config
from model_features import Exported as ExportedMlp
from model_features import FeatureMlp

MODELS = os.path.normpath(os.path.join(HERE, '..', '..', 'models'))


def dev_models(path):
    """out/dev-models/: links to every file in models/ except the voice model about to be written there."""
    d = os.path.dirname(path)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for f in os.listdir(MODELS):
        if f not in (os.path.basename(path), 'manifest.json') and os.path.isfile(os.path.join(MODELS, f)):
            os.symlink(os.path.join(MODELS, f), os.path.join(d, f))


def point_manifest_at(path):
    """A copy of models/manifest.json whose default voice-emotion entry is the file just written (its sha256)."""
    with open(os.path.join(MODELS, 'manifest.json')) as f:
        manifest = json.load(f)
    with open(path, 'rb') as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    hit = [m for m in manifest['models'] if m.get('task') == 'voice-emotion' and m.get('file') == os.path.basename(path)]
    if not hit:
        raise SystemExit(f'models/manifest.json has no voice-emotion entry for {os.path.basename(path)}')
    for m in manifest['models']:
        if m.get('task') == 'voice-emotion':
            m['default'] = m is hit[0]
    hit[0]['sha256'] = sha
    hit[0]['notes'] = 'DEVELOPMENT COPY: the inner ensemble (actors 01-12), for learning the fusion weights only'
    with open(os.path.join(os.path.dirname(path), 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=2)


def main():
    tag = sys.argv[1] if len(sys.argv) > 1 else 'logmel-cnn'
    cfg = load_config()
    seed_everything(cfg['seed'], cfg['threads'])
    labels = cfg['labels']
    info = {'tag': tag, 'labels': labels}
    dev = '--dev' in sys.argv
    if dev and tag != 'logmel-cnn-ensemble':
        raise SystemExit('--dev applies to logmel-cnn-ensemble')
    if tag == 'logmel-cnn-ensemble':
        # --members a,b overrides config.json's ensemble (e.g. --dev --members seed2: the shipped single net's recipe).
        flag = [a for a in sys.argv if a.startswith('--members=')]
        members = flag[0].split('=', 1)[1].split(',') if flag else cfg['ensemble']['members']
        nets = []
        for v in members:
            c = variant_config(cfg, None if v == 'base' else v)
            net = build_net(c, len(labels))
            name = 'logmel-cnn' + ('' if v == 'base' else f'-{v}') + ('-inner' if dev else '')
            net.load_state_dict(torch.load(os.path.join(cfg['out_dir'], f'{name}.pt')))
            nets.append(net.eval())
        c = cfg['cnn']
        model, dummy = ExportedEnsemble(nets).eval(), torch.randn(1, 1, 64, c['window_frames'])
        names, axes = ['logmel'], {'logmel': {0: 'batch', 3: 'frames'}, 'probs': {0: 'batch'}}
        file = 'voice_emotion_logmel_cnn.onnx'
        info.update(inputKind='logmel', minFrames=16, windowFrames=c['window_frames'], members=members,
                    parameters=sum(p.numel() for p in model.parameters()))
    elif tag == 'logmel-cnn':
        c = cfg['cnn']
        net = build_net(c, len(labels))
        net.load_state_dict(torch.load(os.path.join(cfg['out_dir'], 'logmel-cnn.pt')))
        model, dummy = ExportedCnn(net).eval(), torch.randn(1, 1, 64, c['window_frames'])
        names, axes = ['logmel'], {'logmel': {0: 'batch', 3: 'frames'}, 'probs': {0: 'batch'}}
        file = 'voice_emotion_logmel_cnn.onnx'
        info.update(inputKind='logmel', minFrames=16, windowFrames=c['window_frames'])
    elif tag == 'features':
        saved = torch.load(os.path.join(cfg['out_dir'], 'features.pt'))
        f = cfg['features']
        n = len(saved['names'])
        net = FeatureMlp([0.0] * n, [1.0] * n, saved['hidden'], len(labels), f['dropout'])
        net.load_state_dict(saved['state'])
        model, dummy = ExportedMlp(net).eval(), torch.randn(1, n)
        names, axes = ['features'], {'features': {0: 'batch'}, 'probs': {0: 'batch'}}
        file = 'voice_emotion_features_mlp.onnx'
        info.update(inputKind='features', featureNames=saved['names'], featureImpute=dict(zip(saved['names'], saved['mean'])))
    else:
        raise SystemExit(f'unknown model tag {tag}')
    path = os.path.join(cfg['out_dir'], 'dev-models', file) if dev else os.path.join(MODELS, file)
    if dev:
        dev_models(path)
    torch.onnx.export(model, dummy, path, opset_version=17, input_names=names, output_names=['probs'], dynamic_axes=axes, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    # Reference outputs for a fixed input, so the TS side can check onnxruntime reproduces PyTorch.
    g = torch.Generator().manual_seed(7)
    logmel = info['inputKind'] == 'logmel'
    probe = torch.randn(dummy.shape, generator=g) * (3 if logmel else 1) - (10 if logmel else 0)
    with torch.no_grad():
        info['probe'] = {'shape': list(probe.shape), 'input': probe.flatten().tolist(), 'probs': model(probe).flatten().tolist()}
    info['file'] = file
    with open(os.path.join(cfg['out_dir'], f"{tag}{'-dev' if dev else ''}-export.json"), 'w') as fh:
        json.dump(info, fh)
    if dev:
        point_manifest_at(path)
    print(f'wrote {path}')


if __name__ == '__main__':
    main()
