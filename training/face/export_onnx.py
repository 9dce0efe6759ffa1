"""Exports the calibrated face model to ONNX (opset from config): NHWC gray input in [-1, 1], the export.members nets'
outputs combined by export.combine (and flip averaging, if on), temperature inside the graph, softmax output. The float graph goes to
models/face-emotion-fer-cnn.onnx, or, when export.quantize is set, to out/face-cnn-fp32.onnx for quantize_onnx.py.
Writes out/face-cnn-export.json with a probe input and PyTorch's output for scripts/models/register-face-model.ts.

  /usr/bin/python3 training/face/export_onnx.py [--ferplus]

--ferplus exports the FER+ model instead (`ferplus.export`, out/face-fp-calibration.json from calibrate_ferplus.py,
out/face-fp-fp32.onnx or models/face-emotion-ferplus-cnn.onnx, out/face-fp-export.json)."""
import argparse
import json
import os

import onnx
import torch

from common import HERE, OUT, load_config, pipeline, seed_everything
from model import Exported, load_members


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ferplus', action='store_true')
    pl = pipeline(load_config(), ap.parse_args().ferplus)
    cfg = load_config()
    seed_everything(cfg['seed'], cfg['threads'])
    exp = pl['export']
    with open(pl['calibration']) as f:
        cal = json.load(f)
    nets = load_members(cfg, OUT, exp, len(pl['labels']))
    model = Exported(nets, cal['temperature'], exp['flip_tta'], exp['combine']).eval()
    S = cfg['size']
    quantize = exp.get('quantize')
    path = pl['fp32'] if quantize else pl['shipped']
    torch.onnx.export(model, torch.zeros(1, S, S, 1), path, opset_version=exp['opset'], input_names=['input'],
                      output_names=['probs'], dynamic_axes={'input': {0: 'batch'}, 'probs': {0: 'batch'}}, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    g = torch.Generator().manual_seed(7)
    probe = torch.rand(4, S, S, 1, generator=g) * 2 - 1
    with torch.no_grad():
        probs = model(probe)
    params = sum(p.numel() for p in model.parameters())
    info = {'file': pl['model_file'], 'labels': pl['labels'], 'size': S, 'parameters': params, 'opset': exp['opset'],
            'flip_tta': exp['flip_tta'], 'combine': exp['combine'], 'members': exp['members'], 'temperature': cal['temperature'],
            'float_file': os.path.relpath(path, os.path.join(HERE, '..', '..')), 'quantized': bool(quantize),
            'probe': {'shape': list(probe.shape), 'input': probe.flatten().tolist(), 'probs': probs.flatten().tolist()}}
    with open(pl['export_info'], 'w') as f:
        json.dump(info, f)
    print(f'wrote {path} ({len(nets)} member(s) combined by {exp["combine"]}, {params} parameters, T={cal["temperature"]:.4f}, '
          f'flip averaging {exp["flip_tta"]})')


if __name__ == '__main__':
    main()
