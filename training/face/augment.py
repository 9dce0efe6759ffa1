"""Batch augmentation on tensors, so it costs little next to the network: one affine warp per image (rotation,
scale, translation, horizontal flip), brightness and contrast jitter, random erasing. Inputs are [N, 1, S, S]
in [-1, 1]."""
import math

import torch
import torch.nn.functional as F


def augment(x, a, gen):
    n = x.shape[0]
    dev = x.device

    def u(lo, hi):
        return torch.rand(n, generator=gen, device=dev) * (hi - lo) + lo

    ang = u(-a['rotate_deg'], a['rotate_deg']) * math.pi / 180
    # Zooming in by s means sampling a region 1/s as large.
    inv_s = 1.0 / u(a['scale'][0], a['scale'][1])
    flip = torch.where(torch.rand(n, generator=gen, device=dev) < a['flip'], -1.0, 1.0)
    tx, ty = u(-a['translate'], a['translate']) * 2, u(-a['translate'], a['translate']) * 2
    cos, sin = torch.cos(ang) * inv_s, torch.sin(ang) * inv_s
    theta = torch.stack([torch.stack([cos * flip, -sin, tx], 1), torch.stack([sin * flip, cos, ty], 1)], 1)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    x = F.grid_sample(x, grid, mode='bilinear', padding_mode='border', align_corners=False)

    p = (x + 1) * 0.5
    mean = p.mean(dim=(1, 2, 3), keepdim=True)
    c = u(1 - a['contrast'], 1 + a['contrast']).view(n, 1, 1, 1)
    b = u(1 - a['brightness'], 1 + a['brightness']).view(n, 1, 1, 1)
    p = ((p - mean) * c + mean) * b
    x = p.clamp(0, 1) * 2 - 1

    # Random erasing (Zhong et al. 2017): a rectangle of noise over part of the face.
    S = x.shape[-1]
    erase = torch.rand(n, generator=gen) < a['erase_prob']
    for i in torch.nonzero(erase).flatten().tolist():
        area = (torch.rand(1, generator=gen).item() * (a['erase_area'][1] - a['erase_area'][0]) + a['erase_area'][0]) * S * S
        ratio = math.exp(torch.rand(1, generator=gen).item() * (math.log(3) - math.log(1 / 3)) + math.log(1 / 3))
        h = min(S, max(1, int(round(math.sqrt(area * ratio)))))
        w = min(S, max(1, int(round(math.sqrt(area / ratio)))))
        y0 = int(torch.randint(0, S - h + 1, (1,), generator=gen))
        x0 = int(torch.randint(0, S - w + 1, (1,), generator=gen))
        x[i, :, y0:y0 + h, x0:x0 + w] = torch.rand(1, h, w, generator=gen) * 2 - 1
    return x
