"""Small CNN over the app's log-mel frames: [batch, 1, 64 bands, frames] -> 8 class probabilities."""
import torch
from torch import nn


class LogMelCnn(nn.Module):
    def __init__(self, channels, n_classes, dropout, bands=64, pool='meanmax'):
        super().__init__()
        self.pool = pool
        layers, cin = [], 1
        for cout in channels:
            layers += [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True), nn.MaxPool2d(2)]
            cin = cout
        self.conv = nn.Sequential(*layers)
        self.drop = nn.Dropout(dropout)
        # Frequency rows are kept (spectral shape matters: formants, pitch region); mean and max over time: mean
        # hears the overall tone of voice, max catches short bursts (a laugh, a shout).
        d = cin * (bands >> len(channels))
        self.fc = nn.Linear(2 * d, n_classes)
        if pool == 'attention':
            # Attention pooling over time (as in attentive statistics pooling): a score per time step from the
            # features there, softmax over time; the weighted mean replaces the plain mean, so silent or
            # uninformative stretches of the window count less.
            self.att = nn.Sequential(nn.Conv1d(d, 64, 1), nn.Tanh(), nn.Conv1d(64, 1, 1))
        elif pool != 'meanmax':
            raise ValueError(f'pool must be meanmax or attention, not {pool!r}')

    @staticmethod
    def normalise(logmel):
        # Each band centred on its own mean over the window (cepstral-mean style): removes microphone gain and
        # fixed channel colouring, so the model hears level only relative to the rest of the window. /5 brings
        # the log range (about ±10) near unit scale.
        return (logmel - logmel.mean(dim=3, keepdim=True)) / 5

    def embed(self, x):
        h = self.conv(x)
        h = h.reshape(h.shape[0], h.shape[1] * h.shape[2], h.shape[3])  # [B, C*F', T']
        if self.pool == 'attention':
            w = torch.softmax(self.att(h), dim=2)
            return torch.cat([(h * w).sum(dim=2), h.amax(dim=2)], dim=1)
        return torch.cat([h.mean(dim=2), h.amax(dim=2)], dim=1)

    def forward(self, logmel):
        return self.fc(self.drop(self.embed(self.normalise(logmel))))


class Exported(nn.Module):
    """What goes into ONNX: softmax probabilities, so the app never re-implements the head."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, logmel):
        return torch.softmax(self.net(logmel), dim=1)


class ExportedEnsemble(nn.Module):
    """Several trained nets in one graph: the mean of their softmax outputs (the deep-ensemble rule)."""

    def __init__(self, nets):
        super().__init__()
        self.nets = nn.ModuleList(nets)

    def forward(self, logmel):
        return torch.stack([torch.softmax(n(logmel), dim=1) for n in self.nets]).mean(0)
