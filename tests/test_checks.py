"Course auto-graders (omnimotion_nb.checks): references pass, every known mistake is named, references agree with the library."
from pathlib import Path
import json
import numpy as np
import pytest
import torch

from omnimotion_nb import checks
from omnimotion_nb.checks import EXERCISES, ExerciseFailed

NBS = Path(__file__).resolve().parents[1] / "nbs"
MISTAKES = {"coupling_inverse": checks.COUPLING_MISTAKES, "alpha_composite": checks.COMPOSITE_MISTAKES,
            "average_jaccard": checks.AJ_MISTAKES, "chain_homographies": checks.CHAIN_MISTAKES,
            "cycle_consistency": checks.CYCLE_MISTAKES}


@pytest.mark.parametrize("name", list(EXERCISES))
def test_reference_passes(name, capsys):
    check, ref = EXERCISES[name]
    assert check(ref, n_trials=8, seed=1) is None
    assert check(ref, n_trials=3, seed=2, raise_on_fail=False) is True
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("name", list(EXERCISES))
def test_each_mistake_is_named(name):
    "Every known mistake is diagnosed as itself (so the variants are distinguishable on the trials)."
    check, _ = EXERCISES[name]
    assert len(MISTAKES[name]) >= 2
    for m in MISTAKES[name]:
        with pytest.raises(ExerciseFailed) as e: check(m.fn)
        assert m.message in str(e.value), (m.message, str(e.value))


def test_messages_name_the_mistake():
    "A few typical slips, written as a student would, produce messages naming the slip."
    def composite_inclusive(sigma, delta, values):
        alpha = 1 - torch.exp(-sigma * delta)
        w = alpha * torch.cumprod(1 - alpha, 1)
        return (w[..., None] * values).sum(1), w
    with pytest.raises(ExerciseFailed, match="off-by-one"): checks.check_alpha_composite(composite_inclusive)

    def coupling_sign(y, mask, s, t):
        x = y.clone(); x[:, ~mask] = (y[:, ~mask] - t(y[:, mask])) * torch.exp(s(y[:, mask]))
        return x
    with pytest.raises(ExerciseFailed, match="sign"): checks.check_coupling_inverse(coupling_sign)

    def chain_order(pairwise, ref):
        H = [np.eye(3)]
        for G in pairwise: H.append(G @ H[-1])
        H = np.stack(H)
        return np.linalg.inv(H[ref]) @ H
    with pytest.raises(ExerciseFailed, match="order of the matrix product"): checks.check_chain_homographies(chain_order)

    def cycle_axis(flow_ij, flow_ji, alpha=0.01, beta=0.5):
        return checks.reference_cycle_consistency(flow_ij, flow_ji, alpha, beta).T
    with pytest.raises(ExerciseFailed, match="wrong order"): checks.check_cycle_consistency(cycle_axis)

    def aj_query_included(gt, go, pr, po, q):
        return checks.reference_average_jaccard(gt, go, pr, po, np.asarray(q) - 1)
    with pytest.raises(ExerciseFailed, match="off-by-one"): checks.check_average_jaccard(aj_query_included)


def test_failure_modes_and_no_raise(capsys):
    def broken(*a): raise KeyError("oops")
    with pytest.raises(ExerciseFailed, match="raised KeyError"): checks.check_average_jaccard(broken)
    assert checks.last_failure["exercise"] == "average_jaccard" and "gt_tracks" in checks.last_failure["inputs"]
    assert checks.check_chain_homographies(lambda p, ref: None, raise_on_fail=False) is False
    assert "return" in capsys.readouterr().out
    def todo(*a): raise NotImplementedError
    with pytest.raises(ExerciseFailed, match="not implemented"): checks.check_cycle_consistency(todo)


def test_average_jaccard_matches_library():
    from omnimotion_nb.metrics import tapvid_metrics
    for tr in checks._aj_trials(6, seed=7):
        n = np.arange(len(tr["query_frames"]))
        queries = np.concatenate([tr["query_frames"][:, None], tr["gt_tracks"][n, tr["query_frames"]]], 1)
        lib = tapvid_metrics(queries, tr["gt_tracks"], tr["gt_occluded"], tr["pred_tracks"], tr["pred_occluded"],
                             "first", size=(256, 256))
        assert abs(checks.reference_average_jaccard(**tr) - lib["AJ"]) < 1e-12


def test_cycle_consistency_matches_library():
    from omnimotion_nb.flow import cycle_consistency_mask
    assert checks.check_cycle_consistency(cycle_consistency_mask, n_trials=8, seed=3, raise_on_fail=False)


def test_chain_recovers_synthetic_camera():
    from omnimotion_nb.synthetic import make_scene
    Hs = make_scene(n_frames=8, height=48, width=64, n_points=8, seed=5).homographies
    G = np.stack([np.linalg.inv(Hs[t]) @ Hs[t + 1] for t in range(len(Hs) - 1)])
    for ref in (0, 3, 7):
        want = np.linalg.inv(Hs[ref]) @ Hs
        np.testing.assert_allclose(checks.reference_chain_homographies(G, ref), want / want[:, 2:3, 2:3], atol=1e-8)


def test_alpha_composite_matches_render():
    render = pytest.importorskip("omnimotion_nb.render")
    tr = checks._composite_trials(3, 0)[2]
    _, w = checks.reference_alpha_composite(**tr)
    torch.testing.assert_close(render.composite_weights(tr["sigma"] * tr["delta"]), w, atol=1e-6, rtol=1e-5)


def test_coupling_inverse_matches_bijections():
    bij = pytest.importorskip("omnimotion_nb.bijections")
    torch.manual_seed(0)
    layer = bij.CouplingLayer(dim=1, latent_dim=4)
    for p in layer.parameters(): torch.nn.init.normal_(p, std=0.3)   # away from the identity initialisation
    if not hasattr(layer, "_scale_shift"): pytest.skip("CouplingLayer has no _scale_shift")
    feat = torch.randn(4)
    mask = torch.tensor([True, False, True])
    s = lambda xa: layer._scale_shift(xa, feat)[0][:, None]
    t = lambda xa: layer._scale_shift(xa, feat)[1][:, None]
    x = torch.randn(50, 3)
    with torch.no_grad():
        y = layer(x, feat)
        torch.testing.assert_close(checks.coupling_forward(x, mask, s, t), y)
        torch.testing.assert_close(checks.reference_coupling_inverse(y, mask, s, t), x, atol=1e-5, rtol=1e-5)


def _sources(nb):
    return [("".join(c["source"]), c["cell_type"]) for c in json.loads(nb.read_text())["cells"]]


def test_exercise_notebooks_are_skipped_and_solutions_run():
    "nbdev-test leaves out notebooks next to a `.notest` file: exercises (they raise by design), not solutions."
    from nbdev.test import _keep_file
    ex, sol = sorted((NBS / "exercises").glob("*.ipynb")), sorted((NBS / "solutions").glob("*.ipynb"))
    assert len(ex) == 5 and [p.name for p in ex] == [p.name for p in sol]
    assert (NBS / "exercises" / ".notest").exists()
    assert not any(_keep_file(p, ".notest") for p in ex) and all(_keep_file(p, ".notest") for p in sol)
    for e, s in zip(ex, sol):
        es, ss = _sources(e), _sources(s)
        assert not any("default_exp" in src or "#| export" in src for src, _ in es + ss)
        assert any("# YOUR CODE HERE" in src and "raise NotImplementedError" in src for src, k in es if k == "code"), e
        assert not any("raise NotImplementedError" in src for src, _ in ss), s
        assert any("check_" in src for src, k in es if k == "code") and any("check_" in src for src, k in ss if k == "code")
