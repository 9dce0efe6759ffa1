"""Static int8 quantization of the exported face graph (QDQ format), so that averaging several nets and mirror
images stays within the app's CPU budget: onnxruntime fuses each DequantizeLinear -> Conv -> QuantizeLinear into an
integer convolution (VNNI / AVX2 on x86, dot-product on ARM).

  /usr/bin/python3 training/face/quantize_onnx.py [--ferplus]

Reads out/face-cnn-fp32.onnx (export_onnx.py with export.quantize set) and writes models/face-emotion-fer-cnn.onnx and
out/face-cnn-quant.json. Scheme (onnxruntime's default for CNNs on CPU): convolution weights int8, symmetric, one
scale per output channel; activations uint8; biases int32 at scale = input scale x weight scale. The graph input
(in [-1, 1]) gets scale 2/255 and zero point 128. Each Conv -> ReLU becomes Conv -> QuantizeLinear with zero point 0,
which clips negatives as the ReLU did; MaxPool runs on the uint8 values between a Q/DQ pair with its input's
parameters. Pooling, the linear layer, averaging, temperature and softmax stay float.

Activation ranges are the maxima of each ReLU output over export.quantize.calibration_images FER2013 *train* images
and their mirrors (fixed seed), computed in PyTorch; the ONNX convolutions are matched to the PyTorch layers by their
batch-norm-folded weights, so the shared weights of a net's two views get one set of parameters.

--ferplus quantizes the FER+ model (out/face-fp-fp32.onnx -> models/face-emotion-ferplus-cnn.onnx); its calibration
images are FER+ Training images outside the selection split, each as its exact pixels or its contrast-stretched JPG
as in training (`ferplus.export.quantize`)."""
import argparse
import os

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

from common import OUT, load_config, load_split, pipeline, save_json, seed_everything, to_input
from model import load_members

INPUT_SCALE, INPUT_ZP = 2.0 / 255, 128  # [-1, 1] onto 0..255


def relu_ranges(nets, x):
    """[(folded conv weight, max of its ReLU output)] for every conv-BN-ReLU block of every net."""
    out = []
    for net in nets:
        blocks = [m for m in net.features if isinstance(m, torch.nn.Sequential)]
        maxes = [0.0] * len(blocks)

        def hook(k):
            return lambda _m, _i, o: maxes.__setitem__(k, max(maxes[k], float(o.max())))

        handles = [b[2].register_forward_hook(hook(k)) for k, b in enumerate(blocks)]
        with torch.no_grad():
            for i in range(0, len(x), 500):
                net(x[i:i + 500])
        for h in handles:
            h.remove()
        for k, b in enumerate(blocks):
            conv, bn = b[0], b[1]
            w = conv.weight * (bn.weight / torch.sqrt(bn.running_var + bn.eps)).view(-1, 1, 1, 1)
            out.append((w.detach().numpy(), maxes[k]))
    return out


class QdqRewriter:
    """Rewrites one float graph into QDQ form; collects the new initializers and nodes."""

    def __init__(self, graph, ranges):
        self.inits = {i.name: i for i in graph.initializer}
        self.ranges = ranges
        self.new_inits, self.made = [], set()
        self.qparams = {}  # float tensor name -> (scale, zero point) it was quantized with

    def const(self, name, arr):
        if name not in self.made:
            self.made.add(name)
            self.new_inits.append(numpy_helper.from_array(arr, name))
        return name

    def qdq(self, tensor, scale, zp, out_name):
        s = self.const(f'{tensor}_s', np.array(scale, np.float32))
        z = self.const(f'{tensor}_zp', np.array(zp, np.uint8))
        self.qparams[out_name] = (scale, zp)
        return [helper.make_node('QuantizeLinear', [tensor, s, z], [f'{tensor}_q']),
                helper.make_node('DequantizeLinear', [f'{tensor}_q', s, z], [out_name])]

    def relu_max(self, weight_name):
        w = numpy_helper.to_array(self.inits[weight_name])
        for fw, mx in self.ranges:
            if fw.shape == w.shape and np.allclose(fw, w, atol=1e-5):
                return mx
        raise SystemExit(f'quantize: convolution weight {weight_name} matches no PyTorch layer; re-run export_onnx.py')

    def quantize_conv(self, n, s_x):
        """DQ of per-channel int8 weights and int32 bias in front of Conv n (once per shared weight)."""
        nodes = []
        wn, bn = n.input[1], n.input[2]
        if wn + '_dq' not in self.made:
            self.made.add(wn + '_dq')
            w, b = numpy_helper.to_array(self.inits[wn]), numpy_helper.to_array(self.inits[bn])
            sw = np.maximum(np.abs(w).reshape(w.shape[0], -1).max(1), 1e-8) / 127.0
            self.const(wn + '_q', np.clip(np.round(w / sw[:, None, None, None]), -127, 127).astype(np.int8))
            self.const(wn + '_s', sw.astype(np.float32))
            self.const(wn + '_zp', np.zeros(len(sw), np.int8))
            sb = (s_x * sw).astype(np.float32)
            self.const(bn + '_q', np.round(b / sb).astype(np.int32))
            self.const(bn + '_s', sb)
            self.const(bn + '_zp', np.zeros(len(sb), np.int32))
            nodes += [helper.make_node('DequantizeLinear', [wn + '_q', wn + '_s', wn + '_zp'], [wn + '_dq'], axis=0),
                      helper.make_node('DequantizeLinear', [bn + '_q', bn + '_s', bn + '_zp'], [bn + '_dq'], axis=0)]
        n.input[1], n.input[2] = wn + '_dq', bn + '_dq'
        return nodes

    def rewrite(self, nodes):
        # The exporter feeds a net's second view its weights through Identity nodes: point at the initializers.
        alias = {n.output[0]: n.input[0] for n in nodes if n.op_type == 'Identity' and n.input[0] in self.inits}
        nodes = [n for n in nodes if n.output[0] not in alias]
        for n in nodes:
            for i, x in enumerate(n.input):
                n.input[i] = alias.get(x, x)
        producers = {o: n for n in nodes for o in n.output}
        relu_max = {n.output[0]: self.relu_max(n.input[1]) for n in nodes if n.op_type == 'Conv'}
        out = []
        for n in nodes:
            p = producers.get(n.input[0]) if n.input else None
            if n.op_type == 'Relu' and p is not None and p.op_type == 'Conv':
                out += self.qdq(n.input[0], relu_max[p.output[0]] / 255.0, 0, n.output[0])
            elif n.op_type == 'Conv':
                x = n.input[0]
                if x in self.qparams:  # a ReLU's or MaxPool's output, already behind a Q/DQ pair (nodes come in order)
                    s_x = self.qparams[x][0]
                else:  # the network input, shared by the nets' first layers
                    if x + '_dq' not in self.qparams:
                        out += self.qdq(x, INPUT_SCALE, INPUT_ZP, x + '_dq')
                    n.input[0], s_x = x + '_dq', INPUT_SCALE
                out += self.quantize_conv(n, s_x)
                out.append(n)
            elif n.op_type == 'MaxPool' and n.input[0] in self.qparams:
                scale, zp = self.qparams[n.input[0]]
                o = n.output[0]
                n.output[0] = o + '_f'
                out.append(n)
                out += self.qdq(o + '_f', scale, zp, o)
            else:
                out.append(n)
        return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ferplus', action='store_true')
    ferplus = ap.parse_args().ferplus
    cfg = load_config()
    pl = pipeline(cfg, ferplus)
    FP32 = pl['fp32']
    seed_everything(cfg['seed'], cfg['threads'])
    q = pl['export']['quantize']
    if not os.path.exists(FP32):
        raise SystemExit(f'{FP32} is missing: run export_onnx.py first (with export.quantize set in config.json)')
    rs = np.random.RandomState(cfg['seed'])
    if ferplus:
        from train_ferplus import split_training
        tr, _, _ = split_training(cfg)
        idx = np.sort(rs.choice(len(tr['png']), q['calibration_images'], replace=False))
        use_jpg = (rs.rand(len(idx)) < cfg['ferplus']['jpg_prob']) & tr['has_jpg'][idx]
        x_u8 = np.where(use_jpg[:, None, None], tr['jpg'][idx], tr['png'][idx])
        source = f"FER+ Training images outside the selection split ({int(use_jpg.sum())} as the contrast-stretched JPG)"
    else:
        x_all, _, _ = load_split(cfg, q['split'])
        x_u8 = x_all[np.sort(rs.choice(len(x_all), q['calibration_images'], replace=False))]
        source = f"FER2013 {q['split']} images"
    x = to_input(x_u8)
    x = torch.cat([x, torch.flip(x, dims=[3])])
    ranges = relu_ranges(load_members(cfg, OUT, pl['export'], len(pl['labels'])), x)

    model = onnx.load(FP32)
    g = model.graph
    rw = QdqRewriter(g, ranges)
    nodes = rw.rewrite(list(g.node))
    used = {x for n in nodes for x in n.input}
    inits = [i for i in g.initializer if i.name in used] + [i for i in rw.new_inits if i.name in used]
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend(inits)
    onnx.checker.check_model(model)
    path = pl['shipped']
    onnx.save(model, path)
    n_conv = sum(1 for n in nodes if n.op_type == 'Conv')
    info = {'scheme': 'static int8 QDQ: conv weights int8 symmetric per output channel, activations uint8, biases int32',
            'calibration': f"maxima of each ReLU output over {q['calibration_images']} {source} and their mirrors",
            'calibration_images': q['calibration_images'], 'split': q.get('split', 'train'), 'convolutions': n_conv,
            'bytes_fp32': os.path.getsize(FP32), 'bytes_int8': os.path.getsize(path)}
    save_json(pl['quant_info'], info)
    print(f"wrote {path}: {n_conv} convolutions in int8, {info['bytes_fp32'] / 1e6:.1f} MB -> {info['bytes_int8'] / 1e6:.1f} MB")


if __name__ == '__main__':
    main()
