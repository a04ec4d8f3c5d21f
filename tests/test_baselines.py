"Tests of `omnimotion_nb.baselines`: the homography and chained-flow trackers (small synthetic clips, seconds)."
import numpy as np
import pytest

from omnimotion_nb.baselines import ChainedFlowTracker, HomographyTracker, StillTracker
from omnimotion_nb.data import check_queries
from omnimotion_nb.flow import PairFlows, compute_pair_flows
from omnimotion_nb.metrics import compare_trackers
from omnimotion_nb.synthetic import make_scene


@pytest.fixture(scope="module")
def scene():
    return make_scene(n_frames=10, height=64, width=80, n_points=32, seed=2)


@pytest.fixture(scope="module")
def flows(scene):
    T = len(scene.video)
    pairs = [(t, t + 1) for t in range(T - 1)] + [(t + 1, t) for t in range(T - 1)]
    return compute_pair_flows(scene.video, pairs, progress=False)


def test_query_validation(scene):
    shape = scene.video.shape
    with pytest.raises(ValueError, match="outside"): check_queries([[0, 80.6, 3]], shape)
    with pytest.raises(ValueError, match="query frames"): check_queries([[10, 3, 3]], shape)
    with pytest.raises(ValueError, match="N x 3"): check_queries([[0, 3]], shape)
    for tracker in (HomographyTracker(homographies=scene.homographies), ChainedFlowTracker()):
        with pytest.raises(ValueError, match="outside"): tracker.track(scene.video, [[0, 5, -3]])


@pytest.mark.parametrize("make", [lambda s, f: HomographyTracker(flows=f), lambda s, f: ChainedFlowTracker(f)])
def test_shapes_and_query_frame(scene, flows, make):
    q = scene.queries
    tracks, occ = make(scene, flows).track(scene.video, q)
    assert tracks.shape == (len(q), len(scene.video), 2) and tracks.dtype == np.float32
    assert occ.shape == (len(q), len(scene.video)) and occ.dtype == bool
    idx = np.arange(len(q)), q[:, 0].astype(int)
    np.testing.assert_allclose(tracks[idx], q[:, 1:], atol=1e-3)        # every track passes through its query
    assert not occ[idx].any()


def test_homography_tracker_is_exact_on_the_background_with_the_true_camera(scene):
    tracks, occ = HomographyTracker(homographies=scene.homographies).track(scene.video, scene.queries)
    bg, vis = scene.point_layer == 0, ~scene.occluded
    sel = bg[:, None] & vis
    np.testing.assert_allclose(tracks[sel], scene.tracks[sel], atol=1e-2)
    outside = (tracks[..., 0] < -0.5) | (tracks[..., 0] > 79.5) | (tracks[..., 1] < -0.5) | (tracks[..., 1] > 63.5)
    np.testing.assert_array_equal(occ, outside)                         # occluded only outside the frame


def test_chained_flow_loses_points_for_good():
    T, H, W = 6, 16, 24
    pairs = np.array([(t, t + 1) for t in range(T - 1)] + [(t + 1, t) for t in range(T - 1)])
    flows = np.zeros((len(pairs), H, W, 2), np.float32)
    flows[..., 1] = np.where(pairs[:, 1] > pairs[:, 0], 1, -1)[:, None, None]    # 1 px down per frame
    masks = np.ones((len(pairs), H, W), bool)
    masks[np.flatnonzero((pairs == [1, 2]).all(1))[0], :, :8] = False         # the check fails left of x = 8, 1 -> 2
    tracks, occ = ChainedFlowTracker(PairFlows(pairs, flows, masks)).track(np.zeros((T, H, W, 3)), [[0, 4, 2], [0, 12, 2]])
    np.testing.assert_array_equal(occ[0], [False, False, True, True, True, True])
    np.testing.assert_allclose(tracks[0, :, 1], [2, 3, 3, 3, 3, 3])          # frozen where it was lost
    np.testing.assert_allclose(tracks[1, :, 1], [2, 3, 4, 5, 6, 7])
    assert not occ[1].any()


def test_baselines_beat_still_on_the_synthetic_scene(scene, flows):
    res = compare_trackers(scene.video, scene.tracks, scene.occluded,
                           [StillTracker(), HomographyTracker(flows=flows), ChainedFlowTracker(flows)],
                           queries=scene.queries, query_mode="first")
    assert res["homography"]["AJ"] > res["still"]["AJ"]
    assert res["chained-flow"]["AJ"] > res["still"]["AJ"]
