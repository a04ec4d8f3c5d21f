"Fast checks of the TAP-Vid loaders on files written here (the notebook nbs/00b_tapvid.ipynb has the full tests)."
import pickle
from pathlib import Path
import numpy as np
import pytest
import imageio.v3 as iio
from omnimotion_nb.tapvid import queries_first, queries_strided, load_tapvid_pickle, load_davis32, resize_for_eval

DAVIS32 = Path('/work/shared/data/tapvid_davis32')


def test_queries():
    tr = np.arange(2 * 6 * 2, dtype=np.float32).reshape(2, 6, 2)
    oc = np.array([[True, False, False, True, True, False], [False] * 6])
    q, i = queries_first(tr, oc)
    assert q[:, 0].tolist() == [1, 0] and i.tolist() == [0, 1] and q[0, 1:].tolist() == tr[0, 1].tolist()
    q, i = queries_strided(tr, oc, stride=5)
    assert q[:, 0].tolist() == [0, 5, 5] and i.tolist() == [1, 0, 1]


def test_pickle_and_resize(tmp_path):
    T, H, W = 4, 24, 32
    video = np.random.default_rng(0).integers(0, 255, (T, H, W, 3), dtype=np.uint8)
    pts = np.random.default_rng(1).random((3, T, 2)).astype(np.float32)
    with open(tmp_path / 'd.pkl', 'wb') as f: pickle.dump({'a': {'video': video, 'points': pts, 'occluded': np.zeros((3, T), bool)}}, f)
    v = load_tapvid_pickle(tmp_path / 'd.pkl')[0]
    np.testing.assert_allclose(v.tracks, pts * [W, H], atol=1e-4)
    small, tr, q = resize_for_eval(v.video, v.tracks, np.array([[0, 16., 12.]]))
    assert small.shape == (T, 256, 256, 3)
    # pixel centres at integers: x -> (x + 0.5) * 256 / W - 0.5
    np.testing.assert_allclose(tr, (pts * [W, H] + 0.5) * [256 / W, 256 / H] - 0.5, atol=1e-3)
    np.testing.assert_allclose(q, [[0, 16.5 * 8 - 0.5, 12.5 * 256 / 24 - 0.5]], atol=1e-4)


def test_davis32_folder(tmp_path):
    T, H, W = 6, 16, 20
    u8 = np.full((T, H, W, 3), 128, np.uint8)
    (tmp_path / 'frames' / '2').mkdir(parents=True)
    for t in range(T): iio.imwrite(tmp_path / 'frames' / '2' / f'{t:05d}.jpg', u8[t])
    tracks = np.zeros((2, T, 2), np.float32) + [5, 6]; occ = np.zeros((2, T), bool)
    ann = {'video_idx': 2, 'h': H, 'w': W, 'query_points': {0: [(5, 6), (5, 6)], 5: [(5, 6)]},
           'target_points': {0: tracks, 5: tracks[:1]}, 'occluded': {0: occ, 5: occ[:1]}}
    with open(tmp_path / 'a.pkl', 'wb') as f: pickle.dump({'videos': [ann]}, f)
    r = load_davis32(tmp_path)[0]
    assert r.video_idx == 2 and r.frames.shape == (T, H, W, 3) and r.queries[:, 0].tolist() == [0, 0, 5]
    assert r.gt_tracks.shape == (3, T, 2) and r.gt_occluded.shape == (3, T)
    (tmp_path / 'frames' / '2' / '00003.jpg').unlink()
    with pytest.raises(FileNotFoundError, match='frame 00003 missing'): load_davis32(tmp_path)


@pytest.mark.skipif(not DAVIS32.exists(), reason='TAP-Vid-DAVIS-32 data not on this machine')
def test_real_davis32():
    r = load_davis32(DAVIS32, videos=[0])[0]
    assert r.frames.shape == (32, 480, 854, 3) and len(r.queries) > 0
