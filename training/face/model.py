"""The face-emotion network: a VGG-style CNN with batch norm for 48x48 gray faces, and the export wrapper."""
import math

import torch
from torch import nn


def conv_bn(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class FaceEmotionNet(nn.Module):
    """Four stages of two 3x3 conv-BN-ReLU at 48, 24, 12 and 6 px; the first stage has a single conv because
    48x48 convolutions dominate the cost. Global average pooling, dropout, one linear layer: logits."""

    def __init__(self, channels, n_classes, dropout):
        super().__init__()
        c1, c2, c3, c4 = channels
        self.features = nn.Sequential(
            conv_bn(1, c1), nn.MaxPool2d(2),                     # 24
            conv_bn(c1, c2), conv_bn(c2, c2), nn.MaxPool2d(2),   # 12
            conv_bn(c2, c3), conv_bn(c3, c3), nn.MaxPool2d(2),   # 6
            conv_bn(c3, c4), conv_bn(c4, c4),
        )
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(dropout), nn.Linear(c4, n_classes))

    def forward(self, x):
        return self.head(self.features(x))


def new_net(cfg):
    """A freshly initialised FaceEmotionNet as config.json's `model` and `labels` describe it."""
    return FaceEmotionNet(cfg['model']['channels'], len(cfg['labels']), cfg['model']['dropout'])


def load_members(cfg, out_dir, export=None, n_classes=None):
    """The nets named by export.members (weight files in out/; `export` defaults to config.json's), in eval mode."""
    nets = []
    for name in (export or cfg['export'])['members']:
        net = FaceEmotionNet(cfg['model']['channels'], n_classes or len(cfg['labels']), cfg['model']['dropout'])
        net.load_state_dict(torch.load(f'{out_dir}/{name}'))
        nets.append(net.eval())
    return nets


def ensemble_scores(nets, x, flip_tta, combine):
    """What the export computes before the temperature, and what calibration fits the temperature on: the members'
    outputs (snapshots and peers) over each face and, with flip_tta, its mirror image, combined by `combine`:
    'logits' averages the logits; 'probabilities' averages the softmax outputs (the deep-ensemble rule,
    Lakshminarayanan et al. 2017) and returns their log, so that a confident member cannot outvote the others by the
    size of its logits alone."""
    views = [x, torch.flip(x, dims=[3])] if flip_tta else [x]
    return combine_passes([net(v) for net in nets for v in views], combine)


def combine_passes(outs, combine):
    """The logits of several passes (nets, views) combined into one set: their mean ('logits'), or the log of their
    mean softmax ('probabilities'). Training scores a net with its partners through this too."""
    if combine == 'logits':
        return sum(outs[1:], outs[0]) / len(outs)
    if combine == 'probabilities':
        # log(mean softmax) without leaving log space: stable where a member gives a class almost no probability.
        return torch.logsumexp(torch.stack([torch.log_softmax(z, dim=1) for z in outs]), dim=0) - math.log(len(outs))
    raise ValueError(f"combine must be 'logits' or 'probabilities', not {combine!r}")


class Exported(nn.Module):
    """What ships: NHWC gray input in [-1, 1] (the app's layout), the members' outputs combined by ensemble_scores
    (optionally with horizontal-flip test-time averaging), temperature scaling, softmax."""

    def __init__(self, nets, temperature, flip_tta, combine):
        super().__init__()
        self.nets = nn.ModuleList(nets)
        self.register_buffer('inv_t', torch.tensor(1.0 / temperature))
        self.flip_tta = flip_tta
        self.combine = combine

    def forward(self, x):
        scores = ensemble_scores(self.nets, x.permute(0, 3, 1, 2), self.flip_tta, self.combine)
        return torch.softmax(scores * self.inv_t, dim=1)
