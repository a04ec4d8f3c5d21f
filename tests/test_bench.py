"The benchmark scripts run in CI-sized settings and print their tables (their figures live in bench/RESULTS.md)."
import json, subprocess, sys
import numpy as np
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / 'bench'


def run(*args, timeout=600):
    r = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout


def test_train_step_prints_a_row_per_preset_and_implementation():
    out = run(BENCH / 'train_step.py', '--presets', 'tiny', '--steps', '2', '--frames', '8', '--threads', '1')
    rows = [l for l in out.splitlines() if l.startswith('| tiny |')]
    assert [r.split('|')[2].strip() for r in rows] == ['omnimotion_nb', 'reference'], out
    ms = float(rows[0].split('|')[4])
    assert ms > 0, out
    assert 'tiny: omnimotion_nb step is' in out


def test_profile_step_names_the_phases_and_operators():
    out = run(BENCH / 'profile_step.py', '--preset', 'tiny', '--steps', '2', '--frames', '8', '--threads', '1', '--top', '5')
    assert 'ms/step; forward' in out and 'backward' in out, out
    assert 'aten::' in out, out       # the operator table


def test_accuracy_scores_the_baselines_on_a_synthetic_scene(tmp_path):
    js = tmp_path / 'acc.json'
    out = run(BENCH / 'accuracy.py', '--seeds', '0', '--methods', 'still,homography', '--frames', '8', '--json', js)
    assert '| still |' in out and '| homography |' in out, out
    res = json.loads(js.read_text())['synthetic']
    for k in ('AJ', 'delta_avg', 'OA', 'TC', 'seconds'): assert k in res['homography/seed0'], res
    # the camera moves, so following it must beat standing still
    assert res['homography/seed0']['AJ'] > res['still/seed0']['AJ'] + 0.1, res
    # the breakdown: the still tracker calls every point visible, and its Jaccard is rebuilt from the counts
    b = res['still/seed0']['breakdown']
    assert b['called_occluded'] == [0] * 5, b
    j = [tp / (v + f + o) for tp, v, f, o in zip(b['tp'], b['visible'], b['too_far'], b['occluded_called_visible'])]
    assert abs(np.mean(j) - res['still/seed0']['AJ']) < 1e-9, (j, res)
    assert 'Where the AJ goes' in out and out.count('| still |') == 2, out


def test_accuracy_passes_settings_to_omnimotion():
    out = run(BENCH / 'accuracy.py', '--seeds', '0', '--methods', 'omnimotion', '--frames', '8', '--preset', 'tiny',
              '--steps', '2', '--set', 'flow_preset=fine', '--set', 'mask_near=0.5')
    assert '| omnimotion |' in out, out
    r = subprocess.run([sys.executable, BENCH / 'accuracy.py', '--seeds', '0', '--methods', 'omnimotion', '--frames', '8',
                        '--preset', 'tiny', '--steps', '2', '--set', 'mask_nearest=0.5'], capture_output=True, text=True)
    assert r.returncode != 0 and 'mask_nearest' in r.stderr, r.stderr[-2000:]


def test_match_trust_counts_pairs_and_drops_fewer_at_lower_thresholds():
    out = run(BENCH / 'match_trust.py', '--seeds', '0', '--frames', '8', '--thresholds', '0.5,0.99')
    row = next(l for l in out.splitlines() if l.startswith('| synthetic seed 0 |'))
    cells = [c.strip() for c in row.strip('|').split('|')]
    assert cells[1] == '56', out                                   # 8 x 7 ordered pairs
    kept = [int(c.split(' / ')[0]) for c in cells[2:]]
    dropped = [int(c.split(' / ')[1].split('%')[0]) for c in cells[2:]]
    assert 0 < kept[1] <= kept[0] <= 56 and dropped[0] <= dropped[1], out


def test_scale_smoke_prints_a_row_per_clip_length():
    out = run(BENCH / 'scale.py', '--smoke')
    rows = [[c.strip() for c in l.strip('|').split('|')] for l in out.splitlines() if l.startswith(('| 8 |', '| 16 |'))]
    assert [r[1] for r in rows] == ['56', '240'], out             # all ordered pairs of 8 and of 16 frames
    for r in rows:
        assert float(r[4].split()[0]) > 0 and float(r[5]) > 0, out   # ms per step, peak RSS
    assert 'CPU per frame' in out, out
