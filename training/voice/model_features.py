"""Approach A: a small MLP (or, with hidden=0, logistic regression) on the app's window features."""
import torch
from torch import nn


class FeatureMlp(nn.Module):
    def __init__(self, mean, sd, hidden, n_classes, dropout):
        super().__init__()
        n = len(mean)
        # Standardisation lives in the graph, so the app passes raw feature values.
        self.register_buffer('mean', torch.tensor(mean, dtype=torch.float32))
        self.register_buffer('sd', torch.tensor(sd, dtype=torch.float32))
        if hidden > 0:
            self.net = nn.Sequential(nn.Linear(n, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, n_classes))
        else:
            self.net = nn.Sequential(nn.Dropout(dropout), nn.Linear(n, n_classes))

    def forward(self, features):
        return self.net((features - self.mean) / self.sd)


class Exported(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, features):
        return torch.softmax(self.net(features), dim=1)
