"Fast checks of evaluate_folder on a tiny folder written here (the notebook nbs/11_evaluate.ipynb has the full tests)."
import json, pickle
from pathlib import Path
import numpy as np
import pytest
import imageio.v3 as iio
from omnimotion_nb.evaluate import evaluate_folder, make_tracker, results_table


def _folder(root, T=6, H=16, W=24):
    (root / 'frames' / '1').mkdir(parents=True)
    for t in range(T): iio.imwrite(root / 'frames' / '1' / f'{t:05d}.jpg', np.full((H, W, 3), 100, np.uint8))
    tracks = np.zeros((1, T, 2), np.float32); tracks[0, :, 0] = 3 + np.arange(T) * 0.4; tracks[0, :, 1] = 8
    occ = np.zeros((1, T), bool); occ[0, 4] = True
    ann = {'video_idx': 1, 'h': H, 'w': W, 'query_points': {0: [tuple(tracks[0, 0])]},
           'target_points': {0: tracks}, 'occluded': {0: occ}}
    with open(root / 'a.pkl', 'wb') as f: pickle.dump({'videos': [ann]}, f)
    return root


def test_still_by_hand(tmp_path):
    root = _folder(tmp_path / 'd')
    r = evaluate_folder(root, 'still', out=tmp_path / 'r.json', save_predictions=tmp_path / 'p', progress=False)['1']
    # x moves 0.4 px per frame in a 24-px-wide frame: 0.4 * 256 / 24 = 4.27 px per frame at 256 x 256.
    # scored frames 1..5, visible 1, 2, 3, 5 with errors 4.3, 8.5, 12.8, 21.3 -> within 8: 1 of 4, within 16: 3 of 4
    assert r['pts_within_8'] == pytest.approx(1 / 4) and r['pts_within_16'] == pytest.approx(3 / 4)
    assert r['pts_within_4'] == 0.0
    assert r['OA'] == pytest.approx(4 / 5)
    assert np.load(tmp_path / 'p' / '1.npz')['tracks'].shape == (1, 6, 2)
    assert json.loads((tmp_path / 'r.json').read_text())['videos']['1']['AJ'] == pytest.approx(r['AJ'])
    assert '| **mean** |' in results_table({'1': r})


def test_errors(tmp_path):
    root = _folder(tmp_path / 'd')
    with pytest.raises(ValueError, match='unknown tracker'): make_tracker('nope')
    with pytest.raises(ValueError, match='not in'): evaluate_folder(root, 'still', videos=[5], progress=False)
    with pytest.raises(FileNotFoundError): evaluate_folder(tmp_path / 'none', progress=False)
    evaluate_folder(root, 'still', out=tmp_path / 'r.json', progress=False)
    with pytest.raises(ValueError, match='another run'): evaluate_folder(root, 'still', size=512, out=tmp_path / 'r.json', progress=False)
