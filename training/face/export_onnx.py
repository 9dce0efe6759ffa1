"""Exports the calibrated face model to ONNX (opset from config): NHWC gray input in [-1, 1], the export.members nets'
outputs combined by export.combine (and flip averaging, if on), temperature inside the graph, softmax output. The float graph goes to
models/face-emotion-fer-cnn.onnx, or, when export.quantize is set, to out/face-cnn-fp32.onnx for quantize_onnx.py.
Writes out/face-cnn-export.json with a probe input and PyTorch's output for scripts/models/register-face-model.ts.

  /usr/bin/python3 training/face/export_onnx.py"""
import json
import os

import onnx
import torch

from common import FP32, HERE, MODEL_FILE, OUT, SHIPPED, load_config, seed_everything
from model import Exported, load_members


def main():
    cfg = load_config()
    seed_everything(cfg['seed'], cfg['threads'])
    with open(os.path.join(OUT, 'face-cnn-calibration.json')) as f:
        cal = json.load(f)
    nets = load_members(cfg, OUT)
    model = Exported(nets, cal['temperature'], cfg['export']['flip_tta'], cfg['export']['combine']).eval()
    S = cfg['size']
    quantize = cfg['export'].get('quantize')
    path = FP32 if quantize else SHIPPED
    torch.onnx.export(model, torch.zeros(1, S, S, 1), path, opset_version=cfg['export']['opset'], input_names=['input'],
                      output_names=['probs'], dynamic_axes={'input': {0: 'batch'}, 'probs': {0: 'batch'}}, do_constant_folding=True)
    onnx.checker.check_model(onnx.load(path))
    g = torch.Generator().manual_seed(7)
    probe = torch.rand(4, S, S, 1, generator=g) * 2 - 1
    with torch.no_grad():
        probs = model(probe)
    params = sum(p.numel() for p in model.parameters())
    info = {'file': MODEL_FILE, 'labels': cfg['labels'], 'size': S, 'parameters': params, 'opset': cfg['export']['opset'],
            'flip_tta': cfg['export']['flip_tta'], 'combine': cfg['export']['combine'], 'members': cfg['export']['members'], 'temperature': cal['temperature'],
            'float_file': os.path.relpath(path, os.path.join(HERE, '..', '..')), 'quantized': bool(quantize),
            'probe': {'shape': list(probe.shape), 'input': probe.flatten().tolist(), 'probs': probs.flatten().tolist()}}
    with open(os.path.join(OUT, 'face-cnn-export.json'), 'w') as f:
        json.dump(info, f)
    print(f'wrote {path} ({len(nets)} member(s) combined by {cfg["export"]["combine"]}, {params} parameters, T={cal["temperature"]:.4f}, '
          f'flip averaging {cfg["export"]["flip_tta"]})')


if __name__ == '__main__':
    main()
