"Tests of `omnimotion_nb.flow`: DIS flow, pair selection, the cycle check and the on-disk cache (small clips, seconds)."
import warnings
import numpy as np
import pytest

from omnimotion_nb.flow import (compute_flow, compute_pair_flows, cycle_consistency_mask, flow_pairs, sample_flow,
                                endpoint_error, PairFlows, match_agreement, trusted_matches)
from omnimotion_nb.synthetic import make_scene


@pytest.fixture(scope="module")
def scene():
    return make_scene(n_frames=6, height=48, width=64, seed=3)


def test_dis_recovers_a_known_shift(scene):
    frame = scene.video[0]
    shifted = np.roll(frame, (-1, 2), axis=(0, 1))           # 2 px right, 1 px up
    f = compute_flow(frame, shifted)
    assert f.shape == (48, 64, 2) and f.dtype == np.float32
    np.testing.assert_allclose(np.median(f[6:-6, 6:-6].reshape(-1, 2), 0), [2, -1], atol=0.1)


def test_dis_is_accurate_between_neighbours(scene):
    pf = compute_pair_flows(scene.video, pairs=[(1, 2), (2, 1)], progress=False)
    gt, vis = scene.gt_flow(1, 2)
    flow, mask = pf.get(1, 2)
    assert endpoint_error(flow, gt, vis & mask) < 1.0
    assert endpoint_error(flow, gt, vis & mask) <= endpoint_error(flow, gt, vis)


def test_flow_pairs():
    p = flow_pairs(6)
    assert p.shape == (30, 2) and (p[:, 0] != p[:, 1]).all()
    long = flow_pairs(200, window=5, n_long=3)
    assert set(np.abs(long[:, 1] - long[:, 0])) == {1, 2, 3, 4, 5, 10, 20, 40}
    assert {tuple(x) for x in long} == {tuple(x) for x in long[:, ::-1]}    # both directions
    assert len(long) == len(np.unique(long, axis=0))
    with pytest.raises(ValueError, match="at least 2"): flow_pairs(1)


def test_cycle_mask_and_sampling():
    H, W = 10, 12
    f = np.zeros((H, W, 2), np.float32); f[..., 1] = 3                      # everything moves 3 px down
    keep = cycle_consistency_mask(f, -f)
    assert keep[:H - 3].all() and not keep[H - 3:].any()                     # the last rows leave the frame
    b = -f.copy(); b[5, 4] = (0, 8)                                          # a wrong backward vector at (x=4, y=5)
    assert np.argwhere(~cycle_consistency_mask(f, b)[:H - 3]).tolist() == [[2, 4]]
    ramp = np.arange(H * W, dtype=np.float32).reshape(H, W, 1)
    np.testing.assert_allclose(sample_flow(ramp, np.array([[2.5, 3.0], [0.0, 0.5]])), [[38.5], [6.0]])
    with pytest.raises(ValueError, match="H x W x 2"): cycle_consistency_mask(f, f[:5])


def test_pair_flows_directions_and_errors(scene):
    v = scene.video[:4]
    pf = compute_pair_flows(v, progress=False)
    assert isinstance(pf, PairFlows) and pf.flows.shape == (12, 48, 64, 2) and pf.masks.dtype == bool
    sub = compute_pair_flows(v, pairs=[(3, 0), (1, 2)], progress=False)
    np.testing.assert_array_equal(sub.get(3, 0)[0], pf.get(3, 0)[0])
    np.testing.assert_array_equal(sub.get(1, 2)[1], pf.get(1, 2)[1])
    with pytest.raises(KeyError): sub.get(0, 3)
    with pytest.raises(ValueError, match="T >= 2"): compute_pair_flows(v[:1])
    with pytest.raises(ValueError, match="pairs must be"): compute_pair_flows(v, pairs=[(0, 4)])
    with pytest.raises(ValueError, match="unknown flow method"): compute_pair_flows(v, method="farneback")


def test_cache_is_reused_and_damage_is_recomputed(scene, tmp_path):
    v = scene.video[:4]
    a = compute_pair_flows(v, cache_dir=tmp_path, progress=False)
    (path,) = tmp_path.glob("flows_*.npz")
    stamp = path.stat().st_mtime_ns
    b = compute_pair_flows(v, cache_dir=tmp_path, progress=False)
    assert path.stat().st_mtime_ns == stamp
    np.testing.assert_array_equal(a.flows, b.flows)
    compute_pair_flows(v * 0.9, cache_dir=tmp_path, progress=False)          # another video: another file
    assert len(list(tmp_path.glob("flows_*.npz"))) == 2
    good = path.read_bytes()
    for broken in (good[:len(good) // 3], good[:500] + b"\xff" * 64 + good[564:], b""):
        path.write_bytes(broken)
        with pytest.warns(UserWarning, match="recomputing"):
            c = compute_pair_flows(v, cache_dir=tmp_path, progress=False)
        np.testing.assert_array_equal(a.flows, c.flows)
        np.testing.assert_array_equal(a.masks, c.masks)
    with warnings.catch_warnings():
        warnings.simplefilter("error")                                      # repaired: read without complaint
        compute_pair_flows(v, cache_dir=tmp_path, progress=False)
    assert not list(tmp_path.glob("*.tmp.npz"))


def test_raft_errors_without_weights_or_torchvision(scene):
    a, b = scene.video[0], scene.video[1]
    with pytest.raises(ValueError, match="needs weights="): compute_flow(a, b, method="raft")
    try:
        import torchvision  # noqa: F401
    except Exception:
        with pytest.raises(ImportError, match=r"pip install omnimotion_nb\[raft\]"):
            compute_flow(a, b, method="raft", weights="raft_large.pth")


def test_raft_runs_with_torchvision(scene):
    of = pytest.importorskip("torchvision.models.optical_flow")
    raft = of.raft_small(weights=None).eval()                                # random weights: shapes, not accuracy
    v = scene.video[:3, :45, :61]                                           # not multiples of 8
    assert compute_flow(v[0], v[1], method="raft", weights=raft).shape == (45, 61, 2)
    pf = compute_pair_flows(v, method="raft", weights=raft, progress=False)
    assert pf.flows.shape == (6, 45, 61, 2)


def test_trusted_matches_drops_pairs_the_flow_contradicts():
    # two pairs with a known flow of (+3, -1) everywhere except a failed band; pair 0's matches follow the flow,
    # pair 1's are scrambled (each keypoint given another's partner), as repeated texture does
    H, W = 40, 50
    flows = np.zeros((2, H, W, 2), np.float32); flows[..., 0], flows[..., 1] = 3, -1
    masks = np.ones((2, H, W), bool); masks[:, :, 20:30] = False              # the chain failed in a band
    pf = PairFlows(np.array([[0, 1], [1, 0]]), flows, masks)
    rng = np.random.default_rng(0)
    a = rng.uniform([2, 2], [W - 6, H - 3], (40, 2)).astype(np.float32)
    good = (a, a + np.float32([3, -1]))
    bad = (a, np.roll(good[1], 5, axis=0))
    n, agree = match_agreement(pf, [good, bad])
    on_flow = ~((np.round(a[:, 0]) >= 20) & (np.round(a[:, 0]) < 30))
    assert n.tolist() == [on_flow.sum()] * 2
    assert agree[0] == 1.0 and agree[1] < 0.2
    kept = trusted_matches(pf, [good, bad])
    assert kept[0][0] is a and len(kept[1][0]) == 0 and kept[1][0].shape == (0, 2)
    assert len(trusted_matches(pf, [good, bad], min_checked=len(a) + 1)[0][0]) == 0   # too little evidence
    empty = (np.zeros((0, 2), np.float32),) * 2
    n, agree = match_agreement(pf, [empty, good])
    assert n[0] == 0 and np.isnan(agree[0]) and len(trusted_matches(pf, [empty, good])[0][0]) == 0
    with pytest.raises(ValueError, match="one list of matches per pair"): match_agreement(pf, [good])
