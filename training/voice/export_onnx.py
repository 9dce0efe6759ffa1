"""Exports a trained voice model to ONNX (opset 17) under models/, and writes out/<tag>-export.json for
scripts/voice/register-voice-model.ts, which adds the manifest entry and the model card section.

  python3 export_onnx.py logmel-cnn      # out/logmel-cnn.pt -> models/voice_emotion_logmel_cnn.onnx
  python3 export_onnx.py features        # out/features.pt   -> models/voice_emotion_features_mlp.onnx
"""
import json
import os
import sys

import onnx
import torch

from common import HERE, load_config, seed_everything
from model_cnn import Exported as ExportedCnn
from model_cnn import LogMelCnn
from model_features import Exported as ExportedMlp
from model_features import FeatureMlp

MODELS = os.path.normpath(os.path.join(HERE, '..', '..', 'models'))


def main():
    tag = sys.argv[1] if len(sys.argv) > 1 else 'logmel-cnn'
    cfg = load_config()
    seed_everything(cfg['seed'], cfg['threads'])
    labels = cfg['labels']
    info = {'tag': tag, 'labels': labels}
    if tag == 'logmel-cnn':
        c = cfg['cnn']
        net = LogMelCnn(c['channels'], len(labels), c['dropout'])
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
    path = os.path.join(MODELS, file)
    torch.onnx.export(model, dummy, path, opset_version=17, input_names=names, output_names=['probs'], dynamic_axes=axes, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    # Reference outputs for a fixed input, so the TS side can check onnxruntime reproduces PyTorch.
    g = torch.Generator().manual_seed(7)
    probe = torch.randn(dummy.shape, generator=g) * (3 if tag == 'logmel-cnn' else 1) - (10 if tag == 'logmel-cnn' else 0)
    with torch.no_grad():
        info['probe'] = {'shape': list(probe.shape), 'input': probe.flatten().tolist(), 'probs': model(probe).flatten().tolist()}
    info['file'] = file
    with open(os.path.join(cfg['out_dir'], f'{tag}-export.json'), 'w') as fh:
        json.dump(info, fh)
    print(f'wrote {path}')


if __name__ == '__main__':
    main()
