"""OmniMotion training and tracking on a tiny synthetic clip: loss goes down, exact resume, save/load, clear errors."""
from pathlib import Path
import numpy as np
import pytest
import torch
from omnimotion_nb.synthetic import make_scene
from omnimotion_nb.train import OmniMotion, OmniMotionTracker, PRESETS


@pytest.fixture(scope='module')
def scene():
    return make_scene(8, 48, 64, n_points=12, seed=1)


@pytest.fixture(scope='module')
def fitted(scene):
    m = OmniMotion(scene.video, preset='tiny', device='cpu')
    m._prepare_flows(progress=False)
    # hard-example mining makes training batches harder as it goes: judge the loss on one fixed batch
    batch = m.sampler.sample(16, 64, torch.Generator().manual_seed(0))
    def probe():
        with torch.no_grad(): return m._losses(torch.Generator().manual_seed(1), batch=batch)[1]['flow'].item()
    m.probe_before = probe()
    m.fit(40, progress=False)
    m.probe_after = probe()
    return m


def params(model):
    return torch.cat([p.detach().flatten() for p in list(model.bij.parameters()) + list(model.volume.parameters())])


def test_presets():
    assert {'tiny', 'cpu', 'gpu', 'paper-schedule'} <= set(PRESETS)
    p = PRESETS['paper-schedule']
    assert (p['steps'], p['n_pairs'], p['n_points'], p['n_samples']) == (100_000, 8, 256, 32)
    assert (p['near'], p['far'], p['lr_latent'], p['lr_deform'], p['lr_color'], p['lr_halve_every']) == (0.0, 2.0, 1e-3, 1e-4, 3e-4, 20_000)


def test_a_few_steps_lower_the_flow_loss(fitted):
    assert fitted.probe_after < 0.7 * fitted.probe_before, (fitted.probe_before, fitted.probe_after)
    assert fitted.step == 40 and set(fitted.history[-1]) >= {'flow', 'rgb', 'smooth', 'loss', 'step'}


def test_track_shapes_and_queries(fitted, scene):
    tr, oc = fitted.track(scene.queries)
    assert tr.shape == (12, 8, 2) and oc.shape == (12, 8) and oc.dtype == bool and tr.dtype == np.float32
    own = scene.queries[:, 0].astype(int)
    np.testing.assert_allclose(tr[np.arange(12), own], scene.queries[:, 1:], atol=1e-5)
    assert not oc[np.arange(12), own].any()
    d_tr, d_oc, d_q = fitted.track_dense(t=2, stride=8)
    assert d_tr.shape == (len(d_q), 8, 2) and len(d_q) == 6 * 8


def test_snap_to_the_fitted_flows(fitted, scene):
    "track(snap_px=tau): the fitted flow's position where it is valid and within tau of the fit's, the fit's elsewhere."
    from omnimotion_nb.refine import flow_positions
    q = scene.queries
    own, snapped = fitted.track(q, snap_px=0), fitted.track(q, snap_px=3.0, carry_half_life=0)
    fxy, valid = flow_positions(fitted._flows, q[:, 0], q[:, 1:], fitted.T)
    close = valid & (np.linalg.norm(fxy - own[0], axis=-1) <= 3.0)
    assert close.any() and (~close).any()              # the test must see both cases
    np.testing.assert_allclose(snapped[0][close], fxy[close], atol=1e-5)
    far = ~close; far[np.arange(len(q)), q[:, 0].astype(int)] = False
    np.testing.assert_array_equal(snapped[0][far], own[0][far])
    with pytest.raises(ValueError, match='snap_px'): fitted.track(q, snap_px=-1)

def test_corrections_carried_to_frames_not_refined(fitted, scene):
    "track(carry_half_life=h): refined frames as before, every other frame moved by `carry_corrections` of the fit's own."
    from omnimotion_nb.refine import flow_positions, carry_corrections
    q = scene.queries; rows, own_t = np.arange(len(q)), q[:, 0].astype(int)
    own, refined = fitted.track(q, snap_px=3.0, carry_half_life=0), fitted.track(q, snap_px=3.0)
    carried = fitted.track(q, snap_px=3.0, carry_half_life=2.0)
    fit = fitted.track(q, snap_px=0)[0]
    fxy, valid = flow_positions(fitted._flows, q[:, 0], q[:, 1:], fitted.T)
    close = valid & (np.linalg.norm(fxy - fit, axis=-1) <= 3.0)
    known = close.copy(); known[rows, own_t] = True
    np.testing.assert_allclose(carried[0][close], fxy[close], atol=1e-5)           # refined frames: the flow's, as before
    expect = carry_corrections(fit, np.where(close[..., None], fxy, q[:, None, 1:]), known, 2.0)
    np.testing.assert_allclose(carried[0], expect, atol=1e-4)
    moved = np.linalg.norm(carried[0] - own[0], axis=-1) > 1e-3
    assert (moved & ~known).any() and not (moved & known).any()                  # only frames not refined move
    np.testing.assert_array_equal(carried[1], own[1])                             # and occlusion does not change
    assert fitted.config['carry_half_life'] > 0 and np.array_equal(refined[0], fitted.track(q, snap_px=3.0, carry_half_life=fitted.config['carry_half_life'])[0])
    with pytest.raises(ValueError, match='carry_half_life'): fitted.track(q, carry_half_life=-1)

def test_refined_frames_visible_others_as_tested(fitted, scene):
    "Occlusion is tested where the model put the point: refined frames are visible, the others keep the fit's verdict however far the refinement moved them."
    from omnimotion_nb.flow import PairFlows
    from omnimotion_nb.refine import flow_positions
    pf, q = fitted._flows, scene.queries
    masks = np.random.default_rng(0).random(pf.masks.shape) < 0.5     # half the pixels pass the check
    fitted._flows = PairFlows(pf.pairs, np.full(pf.flows.shape, 500, np.float32), masks)
    try:
        moved = fitted.track(q, snap_px=1e4)
        _, refined = flow_positions(fitted._flows, q[:, 0], q[:, 1:], fitted.T)
    finally: fitted._flows = pf
    own = fitted.track(q, snap_px=0)
    others = np.ones(moved[1].shape, bool); others[np.arange(len(q)), q[:, 0].astype(int)] = False
    assert own[1][refined].any() and (moved[0][refined] > 400).all()  # refined frames: far outside the frame, some hidden to the fit
    carried = others & ~refined & (np.linalg.norm(moved[0] - own[0][..., :2], axis=-1) > 50)
    assert carried.any() and own[1][carried].any()      # frames not refined but carried far, some of them hidden
    np.testing.assert_array_equal(moved[1], own[1] & ~refined)   # visible where refined, as tested at the fit's positions elsewhere


def test_bad_input_is_refused(fitted, scene):
    with pytest.raises(ValueError, match='outside'): fitted.track(np.array([[0, 64.5, 3]]))
    with pytest.raises(ValueError, match='query frames'): fitted.track(np.array([[8, 3, 3]]))
    with pytest.raises(ValueError, match='at least 3 frames'): OmniMotion(scene.video[:2], preset='tiny')
    with pytest.raises(ValueError, match='unknown preset'): OmniMotion(scene.video, preset='huge')
    with pytest.raises(ValueError, match='unknown settings'): OmniMotion(scene.video, preset='tiny', n_sample=3)
    with pytest.raises(FileNotFoundError): OmniMotion.load('/no/such/model.pt')


def test_deterministic_and_exact_resume(fitted, scene, tmp_path):
    pf = fitted._flows   # reuse the flows: only the training is under test
    make = lambda: OmniMotion(scene.video, preset='tiny', device='cpu', flows=pf, checkpoint_every=10)
    straight = make().fit(30, progress=False)
    seen = []
    make().fit(25, checkpoint_dir=tmp_path, progress=False, callback=lambda s, logs: seen.append(s))   # stops at 25; last checkpoint at 20
    assert seen == list(range(1, 26))
    resumed = make().fit(30, checkpoint_dir=tmp_path, progress=False)
    assert resumed.step == 30 and resumed.history[0]['step'] == 1
    assert torch.equal(params(resumed), params(straight))                               # bit-identical: same seed, same batches
    path = resumed.save(tmp_path / 'model.pt')
    loaded = OmniMotion.load(path)
    assert loaded.step == 30 and torch.equal(params(loaded), params(resumed))
    np.testing.assert_allclose(loaded.track(scene.queries)[0], resumed.track(scene.queries)[0], atol=1e-5)
    other = make_scene(8, 48, 64, n_points=4, seed=5)
    with pytest.raises(ValueError, match='another video'):
        OmniMotion(other.video, preset='tiny', flows=pf).fit(5, checkpoint_dir=tmp_path, progress=False)


def test_nan_stops_and_keeps_the_last_good_checkpoint(fitted, scene, tmp_path):
    bad = OmniMotion(scene.video, preset='tiny', device='cpu', flows=fitted._flows, checkpoint_every=5)
    bad.fit(5, checkpoint_dir=tmp_path, progress=False)
    good = (tmp_path / 'last.pt').read_bytes()
    with torch.no_grad(): bad.volume.head.bias.fill_(float('nan'))
    with pytest.raises(FloatingPointError, match='NaN'):
        bad.fit(10, checkpoint_dir=tmp_path, progress=False, resume=False)
    assert (tmp_path / 'last.pt').read_bytes() == good
    assert bad.step == 5


def test_tracker_interface(scene):
    t = OmniMotionTracker(preset='tiny', steps=3, device='cpu')
    assert t.name == 'omnimotion'
    tr, oc = t.track(scene.video, scene.queries)
    assert tr.shape == (12, 8, 2) and oc.shape == (12, 8)
    with pytest.raises(ValueError): t.track(scene.video, np.array([[0, -5.0, 3]]))
