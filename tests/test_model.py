"""Model pieces (volume, bijections, rendering, losses, occlusion): exactness and shapes, in seconds on a CPU."""
import math
import pytest
import torch
from omnimotion_nb.volume import CanonicalVolume, FourierFeatures, contract
from omnimotion_nb.bijections import FrameBijections
from omnimotion_nb.render import (pixels_to_local, local_to_pixels, sample_depths, ray_points,
                                  composite_weights, render_rays)
from omnimotion_nb.losses import flow_loss, smoothness_loss, HardExampleSampler
from omnimotion_nb.occlusion import occlusion_score, outside_frame, is_occluded


def randomised(bij, seed=0, std=0.2):
    "Random latents and random (non-zero) last layers, so every coupling layer really moves points."
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        bij.latents.weight.copy_(torch.randn(bij.latents.weight.shape, generator=g))
        for layer in bij.layers:
            for p in layer.net[-1].parameters(): p.copy_(torch.randn(p.shape, generator=g) * std)
    return bij


def test_volume_shapes_and_ranges():
    vol = CanonicalVolume(hidden=32, n_layers=2, n_freqs=3)
    u = torch.randn(5, 7, 3) * 3
    sigma, rgb = vol(u)
    assert sigma.shape == (5, 7) and rgb.shape == (5, 7, 3)
    assert (sigma >= 0).all() and (rgb >= 0).all() and (rgb <= 1).all()
    assert FourierFeatures(3, 4)(u).shape[-1] == 3 * 9
    c = contract(torch.tensor([[0.5, 0, 0], [10.0, 0, 0]]))
    assert torch.allclose(c[0], torch.tensor([0.5, 0, 0])) and 1 < c[1, 0] < 2


def test_bijection_inverse_exact_with_random_weights():
    bij = randomised(FrameBijections(n_frames=6, latent_dim=8, n_layers=6, hidden=32, n_freqs=3), seed=1)
    g = torch.Generator().manual_seed(2)
    x = torch.rand(200, 3, generator=g) * 2 - 1
    t = torch.randint(6, (200,), generator=g)
    u = bij(x, t)
    assert (u - x).abs().max() > 0.5                      # a real deformation, not the identity
    assert (bij.inverse(u, t) - x).abs().max() < 1e-5
    # batched over rays x samples with one frame per ray, and frames differ from each other
    xs = torch.rand(4, 5, 3, generator=g)
    ts = torch.tensor([0, 1, 2, 3])
    us = bij(xs, ts)
    assert (bij.inverse(us, ts) - xs).abs().max() < 1e-5
    assert not torch.allclose(bij(xs, torch.zeros(4, dtype=torch.long)), us)
    # per-point frames agree with the per-row call
    assert torch.allclose(bij(xs, ts[:, None].expand(4, 5)), us, atol=1e-6)


def test_bijection_log_scale_bounded():
    bij = randomised(FrameBijections(n_frames=3, latent_dim=4, n_layers=3, hidden=16, n_freqs=2), seed=3, std=100.0)
    x = torch.rand(100, 3) * 2 - 1
    t = torch.randint(3, (100,))
    for layer in bij.layers:
        s, _ = layer._scale_shift(x[:, layer.keep], bij._feat(t, x))
        assert s.abs().max() <= layer.max_log_scale + 1e-6
    assert torch.isfinite(bij(x, t)).all()


def test_bijection_starts_as_identity():
    bij = FrameBijections(n_frames=4)
    x = torch.rand(10, 3)
    assert torch.allclose(bij(x, torch.zeros(10, dtype=torch.long)), x)


def test_pixel_coordinates_follow_design():
    H, W = 48, 64
    xy = torch.tensor([[0.0, 0.0], [W - 1.0, H - 1.0], [(W - 1) / 2, (H - 1) / 2]])
    uv = pixels_to_local(xy, (H, W))
    assert torch.allclose(uv, torch.tensor([[-1.0, -1.0], [1.0, 1.0], [0.0, 0.0]]), atol=1e-6)
    assert torch.allclose(local_to_pixels(uv, (H, W)), xy, atol=1e-5)


def test_depth_samples_and_ray_points():
    z = sample_depths(3, 8, 0.0, 2.0)
    assert torch.allclose(z[0], torch.linspace(0.125, 1.875, 8))
    g = torch.Generator().manual_seed(0)
    zs = sample_depths(100, 8, 0.0, 2.0, stratified=True, generator=g)
    edges = torch.linspace(0, 2, 9)
    assert ((zs >= edges[:-1]) & (zs <= edges[1:])).all() and (zs.diff(dim=-1) > 0).all()
    pts = ray_points(torch.tensor([[0.0, 0.0]]), z[:1], (10, 10))
    assert pts.shape == (1, 8, 3) and torch.allclose(pts[0, :, :2], torch.full((8, 2), -1.0))


def test_composite_weights():
    sigma = torch.tensor([[0.0, 0.0, 100.0, 100.0]])
    w = composite_weights(sigma)
    assert torch.allclose(w, torch.tensor([[0.0, 0.0, 1.0, 0.0]]), atol=1e-6)
    w = composite_weights(torch.full((1, 3), math.log(2.0)))   # alpha = 1/2 each
    assert torch.allclose(w, torch.tensor([[0.5, 0.25, 0.125]]), atol=1e-6)
    assert composite_weights(sigma, n_masked=3)[0, :3].abs().max() < 1e-6


class Slab(torch.nn.Module):
    "A dense slab at depth 1 over the whole image, in an identity world."
    def forward(self, u):
        return 50.0 * ((u[..., 2] - 1.0).abs() < 0.1).float(), torch.ones_like(u) * 0.5


def test_render_identity_world_maps_pixels_to_themselves():
    bij = FrameBijections(n_frames=3)                   # identity at initialisation
    xy = torch.tensor([[3.0, 4.0], [10.0, 2.0]])
    out = render_rays(bij, Slab(), xy, torch.tensor([0, 1]), (16, 16), n_samples=32, targets=torch.tensor([[2], [0]]))
    assert torch.allclose(out['xy_targets'][:, 0], xy, atol=1e-4)
    assert torch.allclose(out['depth'], torch.tensor([1.0, 1.0]), atol=0.1)
    assert torch.allclose(out['rgb'], torch.full((2, 3), 0.5), atol=1e-3)


def test_losses_and_sampler():
    assert flow_loss(torch.zeros(2, 2), torch.tensor([[1.0, 1.0], [0.0, 0.0]])).item() == pytest.approx(1.0)
    x = torch.rand(5, 3)
    assert smoothness_loss(x - 1, x, x + 1).item() == pytest.approx(0.0, abs=1e-6)   # constant velocity: no penalty
    assert smoothness_loss(x, x + 1, x).item() > 0
    masks = torch.zeros(2, 4, 4, dtype=torch.bool); masks[0, 0, :2] = True
    s = HardExampleSampler(masks)
    g = torch.Generator().manual_seed(0)
    pairs, pix = s.sample(8, 10, g)
    assert (pairs == 0).all() and ((pix == 0) | (pix == 1)).all()     # only valid pixels of usable pairs
    s.update(pairs[:1], torch.tensor([[0]]), torch.tensor([[0.0]]))
    s.update(pairs[:1], torch.tensor([[1]]), torch.tensor([[5.0]]))
    s.hard_fraction = 1.0
    _, pix = s.sample(4, 50, g)
    assert (pix == 1).all()                                           # hard mining goes where the error is
    with pytest.raises(ValueError, match='cycle-consistent'):
        HardExampleSampler(torch.zeros(2, 4, 4, dtype=torch.bool))


class TwoPlanes(torch.nn.Module):
    def forward(self, u):
        front = (u[..., 0] < 0) & ((u[..., 2] - 0.5).abs() < 0.1)
        back = (u[..., 2] - 1.5).abs() < 0.1
        return 50.0 * (front | back).float(), torch.ones_like(u)


def test_occlusion_two_planes():
    bij, vol, size = FrameBijections(n_frames=2), TwoPlanes(), (16, 16)
    xy = torch.tensor([[2.0, 8.0], [13.0, 8.0], [2.0, 8.0], [20.0, 8.0]])
    t = torch.zeros(4, dtype=torch.long)
    depth = torch.tensor([1.5, 1.5, 0.5, 1.5])
    depth = render_rays(bij, vol, xy.clamp(0, 15), t, size, n_samples=32)['depth']   # where each ray meets its first surface
    depth[0] = depth[1]                                    # a point of the back slab, hidden on the left
    score = occlusion_score(bij, vol, xy, depth, t, size)
    assert score[0] > 0.9 and score[1] < 0.1 and score[2] < 0.1
    assert is_occluded(bij, vol, xy, depth, t, size).tolist() == [True, False, False, True]
    assert outside_frame(torch.tensor([[-0.6, 0.0], [15.4, 15.4]]), size).tolist() == [True, False]
