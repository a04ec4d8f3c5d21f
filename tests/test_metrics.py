"Fast checks of the TAP-Vid metrics (the notebook nbs/01_metrics.ipynb holds the full, commented tests)."
import numpy as np
import pytest
from omnimotion_nb.metrics import tapvid_metrics, temporal_coherence, compare_trackers, metrics_table
from omnimotion_nb.baselines import StillTracker


def _one_point():
    q = np.array([[0, 10., 10.]])
    gt = np.tile(np.array([10., 10.]), (1, 5, 1))
    occ = np.array([[False, False, False, True, False]])
    return q, gt, occ


def test_perfect_and_swapped():
    q, gt, occ = _one_point()
    m = tapvid_metrics(q, gt, occ, gt.copy(), occ.copy(), 'first')
    assert m['AJ'] == m['delta_avg'] == m['OA'] == 1.0 and m['TC'] == 0.0
    m = tapvid_metrics(q, gt, occ, gt.copy(), ~occ, 'first')
    assert m['OA'] == 0.0 and m['AJ'] == 0.0 and m['delta_avg'] == 1.0


def test_threshold_and_modes():
    q, gt, occ = _one_point()
    pr = gt.copy(); pr[0, 2, 0] += 3            # 3 px off on frame 2: wrong at 1 and 2 px, right from 4 px
    m = tapvid_metrics(q, gt, occ, pr, occ, 'first')
    assert m['pts_within_2'] == pytest.approx(2 / 3) and m['pts_within_4'] == 1.0
    assert m['jaccard_1'] == pytest.approx(2 / 4)   # TP 2, FN 1, FP 1
    q2 = np.array([[2, 10., 10.]]); vis = np.zeros((1, 5), bool)
    pr = gt.copy(); pr[0, 0, 1] += 20            # wrong only before the query frame
    assert tapvid_metrics(q2, gt, vis, pr, vis, 'first')['delta_avg'] == 1.0
    assert tapvid_metrics(q2, gt, vis, pr, vis, 'strided')['delta_avg'] == pytest.approx(3 / 4)


def test_rescaling_and_tc():
    q, gt, occ = _one_point()
    pr = gt.copy(); pr[0, 2, 0] += 1.5           # 0.75 px at 256 when the frame is 512 wide
    assert tapvid_metrics(q, gt, occ, pr, occ, 'first', (256, 512))['pts_within_1'] == 1.0
    zig = np.zeros((1, 4, 2)); zig[0, :, 0] = [1, -1, 1, -1]
    assert temporal_coherence(np.zeros((1, 4, 2)), np.zeros((1, 4), bool), zig) == pytest.approx(4.0)


def test_bad_input():
    q, gt, occ = _one_point()
    with pytest.raises(ValueError, match='pred_tracks must have the shape'): tapvid_metrics(q, gt, occ, gt[:, :4], occ)
    with pytest.raises(ValueError, match='query frames'): tapvid_metrics(np.array([[9, 1, 1.]]), gt, occ, gt, occ)
    with pytest.raises(ValueError, match='NaN'): tapvid_metrics(q, gt, occ, gt * np.nan, occ)
    with pytest.raises(ValueError, match='query_mode'): tapvid_metrics(q, gt, occ, gt, occ, query_mode='last')


def test_still_tracker_table():
    gt = np.zeros((2, 6, 2), np.float32); gt[:, :, 0] = np.arange(6) * 4.0; gt[1, :, 1] = 7
    occ = np.zeros((2, 6), bool); occ[1, :2] = True
    res = compare_trackers(np.zeros((6, 16, 32, 3), np.float32), gt, occ, [StillTracker()])
    m = res['still']
    # query-first: point 0 queried at frame 0, point 1 at frame 2; at 256 x 256 x errors are 4*8 = 32 px per frame
    assert m['OA'] == 1.0 and m['delta_avg'] == 0.0 and m['AJ'] == 0.0
    tab = metrics_table(res)
    assert tab.splitlines()[0].startswith('| method | AJ') and '| still | 0.0 | 0.0 | 100.0 |' in tab
