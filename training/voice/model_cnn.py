"""Small CNN over the app's log-mel frames: [batch, 1, 64 bands, frames] -> 8 class probabilities."""
import torch
from torch import nn


def conv_blocks(channels, time_pools=None, bands=64):
    """3x3 conv-BN-ReLU blocks, each halving frequency; the first `time_pools` (all when None) also halve time.
    Returns the stack and the features per time step it leaves: channels x remaining bands."""
    layers, cin = [], 1
    for i, cout in enumerate(channels):
        halve_time = time_pools is None or i < time_pools
        layers += [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
                   nn.MaxPool2d(2 if halve_time else (2, 1))]
        cin = cout
    return nn.Sequential(*layers), cin * (bands >> len(channels))


def flatten_frequency(h):
    return h.reshape(h.shape[0], h.shape[1] * h.shape[2], h.shape[3])  # [B, C*F', T']


class LogMelNet(nn.Module):
    """What the voice nets share: the input normalisation and the head over `embed`."""

    @staticmethod
    def normalise(logmel):
        # Each band centred on its own mean over the window (cepstral-mean style): removes microphone gain and
        # fixed channel colouring, so the model hears level only relative to the rest of the window. /5 brings
        # the log range (about ±10) near unit scale.
        return (logmel - logmel.mean(dim=3, keepdim=True)) / 5

    def forward(self, logmel):
        return self.fc(self.drop(self.embed(self.normalise(logmel))))


class LogMelCnn(LogMelNet):
    def __init__(self, channels, n_classes, dropout, pool='meanmax'):
        super().__init__()
        self.pool = pool
        self.conv, d = conv_blocks(channels)
        self.drop = nn.Dropout(dropout)
        # Frequency rows are kept (spectral shape matters: formants, pitch region); mean and max over time: mean
        # hears the overall tone of voice, max catches short bursts (a laugh, a shout).
        self.fc = nn.Linear(2 * d, n_classes)
        if pool == 'attention':
            # Attention pooling over time (as in attentive statistics pooling): a score per time step from the
            # features there, softmax over time; the weighted mean replaces the plain mean, so silent or
            # uninformative stretches of the window count less.
            self.att = nn.Sequential(nn.Conv1d(d, 64, 1), nn.Tanh(), nn.Conv1d(64, 1, 1))
        elif pool != 'meanmax':
            raise ValueError(f'pool must be meanmax or attention, not {pool!r}')

    def embed(self, x):
        h = flatten_frequency(self.conv(x))
        if self.pool == 'attention':
            w = torch.softmax(self.att(h), dim=2)
            return torch.cat([(h * w).sum(dim=2), h.amax(dim=2)], dim=1)
        return torch.cat([h.mean(dim=2), h.amax(dim=2)], dim=1)


class LogMelCrnn(LogMelNet):
    """Convolutions, then a bidirectional GRU over time, then attention pooling (#26's "CRNN with attention pooling").

    The first two blocks halve time and frequency like LogMelCnn's; the later ones halve frequency only, so the GRU
    sees a step every 40 ms (49 steps in the 2 s window) instead of the CNN's 12, enough to follow how the voice
    moves within a phrase."""

    def __init__(self, channels, n_classes, dropout, hidden=64, time_pools=2):
        super().__init__()
        self.conv, d = conv_blocks(channels, time_pools)
        self.gru = nn.GRU(d, hidden, batch_first=True, bidirectional=True)
        self.att = nn.Sequential(nn.Conv1d(2 * hidden, 64, 1), nn.Tanh(), nn.Conv1d(64, 1, 1))
        self.drop = nn.Dropout(dropout)
        self.fc = nn.Linear(4 * hidden, n_classes)

    def embed(self, x):
        r, _ = self.gru(flatten_frequency(self.conv(x)).transpose(1, 2))  # [B, T', 2H]
        r = r.transpose(1, 2)  # [B, 2H, T']
        w = torch.softmax(self.att(r), dim=2)
        return torch.cat([(r * w).sum(dim=2), r.amax(dim=2)], dim=1)


def build_net(c, n_classes):
    """The network a `cnn` / `cnn_variants` entry of config.json describes (`arch`: cnn, the default, or crnn)."""
    arch = c.get('arch', 'cnn')
    if arch == 'crnn':
        return LogMelCrnn(c['channels'], n_classes, c['dropout'], hidden=c.get('hidden', 64))
    if arch != 'cnn':
        raise SystemExit(f'arch must be cnn or crnn, not {arch!r}')
    return LogMelCnn(c['channels'], n_classes, c['dropout'], pool=c.get('pool', 'meanmax'))


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
