"The `omnimotion-nb` console script, run as a user would (a subprocess), on small inputs."
import json, pickle, subprocess, sys
from pathlib import Path
import numpy as np
import imageio.v3 as iio
from omnimotion_nb.synthetic import make_scene


def run(*args):
    return subprocess.run(["omnimotion-nb", *args], capture_output=True, text=True, timeout=600)


def test_track_demo_with_omnimotion_tiny(tmp_path):
    r = run("track", "--demo", "--preset", "tiny", "--steps", "10", "--out", str(tmp_path), "--quiet")
    assert r.returncode == 0, r.stderr
    s = json.loads((tmp_path / "summary.json").read_text())
    assert s["method"] == "omnimotion" and s["steps"] == 10 and s["frames"] == 24
    assert set(s["metrics_vs_truth"]) == {"AJ", "delta_avg", "OA", "TC"}
    z = np.load(tmp_path / "tracks.npz")
    assert z["tracks"].shape == (len(z["queries"]), 24, 2) and z["occluded"].dtype == bool
    assert (tmp_path / "model.pt").exists() and (tmp_path / s["video"]).exists()
    assert "against the true tracks" in r.stdout


def test_track_resumes_from_its_checkpoint(tmp_path):
    assert run("track", "--demo", "--preset", "tiny", "--steps", "6", "--out", str(tmp_path), "--quiet").returncode == 0
    r = run("track", "--demo", "--preset", "tiny", "--steps", "12", "--out", str(tmp_path), "--quiet")
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "summary.json").read_text())["steps"] == 12


def test_track_errors_are_clear(tmp_path):
    r = run("track", str(tmp_path / "nope.mp4"), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "no such video" in r.stderr
    r = run("track", "--out", str(tmp_path / "o"))
    assert r.returncode != 0 and "VIDEO or --demo" in r.stderr


def test_evaluate_one_video_fast_method(tmp_path):
    sc = make_scene(10, 48, 64, n_points=10, seed=4)
    root = tmp_path / "davis"; (root / "frames" / "2").mkdir(parents=True)
    for t, f in enumerate((sc.video * 255).round().astype(np.uint8)): iio.imwrite(root / "frames" / "2" / f"{t:05d}.jpg", f)
    ann = {"video_idx": 2, "h": 48, "w": 64, "query_points": {}, "target_points": {}, "occluded": {}}
    for qf in (0, 5):
        vis = ~sc.occluded[:, qf]
        ann["query_points"][qf] = sc.tracks[vis, qf].tolist(); ann["target_points"][qf] = sc.tracks[vis]; ann["occluded"][qf] = sc.occluded[vis]
    pickle.dump({"videos": [ann]}, open(root / "a.pkl", "wb"))
    out = tmp_path / "res.json"
    r = run("evaluate", str(root), "--method", "homography", "--out", str(out), "--save-predictions", str(tmp_path / "pred"), "--quiet")
    assert r.returncode == 0, r.stderr
    assert "mean" in r.stdout and "AJ" in r.stdout
    res = json.loads(out.read_text())
    assert set(res["videos"]) == {"2"} and 0 <= res["videos"]["2"]["AJ"] <= 1
    assert (tmp_path / "pred" / "2.npz").exists()


def test_demo_fits_its_own_schedule_unless_told(monkeypatch, tmp_path):
    "The demo fits `DEMO_FIT` (steps and lr schedule together); `--steps` or another preset leaves the preset's own."
    from omnimotion_nb import cli
    seen = []
    def fake_fit(method, video_arr, q, out, preset, steps, device, seed, progress, resume, t0, overrides={}):
        seen.append((preset, steps, dict(overrides)))
        return np.zeros((len(q), len(video_arr), 2), np.float32), np.zeros((len(q), len(video_arr)), bool), {}
    monkeypatch.setattr(cli, '_run_method', fake_fit)
    cli.run_track(demo=True, out=tmp_path / 'a', progress=False)
    cli.run_track(demo=True, out=tmp_path / 'b', steps=7, progress=False)
    cli.run_track(demo=True, out=tmp_path / 'c', preset='tiny', progress=False)
    assert seen == [('cpu', None, cli.DEMO_FIT), ('cpu', 7, {}), ('tiny', None, {})]
