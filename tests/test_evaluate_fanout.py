"Evaluation fanned out over a real local Ray instance (not a mock): the same results as one clip after another."
import json
import pytest
ray = pytest.importorskip("ray", reason="the Ray backend needs ray: pip install 'omnimotion_nb[ray]' (the dev extra has it)")
from omnimotion_nb.evaluate import evaluate_folder, write_davis_like
from omnimotion_nb.synthetic import make_scene
from omnimotion_nb.cli import main


def _untimed(res): return {n: {k: x for k, x in m.items() if k != 'seconds'} for n, m in res.items()}


@pytest.fixture(scope='module')
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False)
    yield
    ray.shutdown()


@pytest.fixture
def folder(tmp_path):
    return write_davis_like(tmp_path / 'davis', {2: make_scene(10, 48, 64, n_points=8, seed=2),
                                                 5: make_scene(10, 48, 64, n_points=8, seed=5)})


def test_ray_gives_the_serial_results(folder, tmp_path, local_ray):
    serial = evaluate_folder(folder, 'chained-flow', out=tmp_path / 'serial.json', progress=False)
    on_ray = evaluate_folder(folder, 'chained-flow', backend='ray', out=tmp_path / 'ray.json', progress=False)
    assert list(on_ray) == ['2', '5'] and _untimed(on_ray) == _untimed(serial)
    files = [json.loads((tmp_path / f).read_text())['videos'] for f in ('serial.json', 'ray.json')]
    assert list(files[1]) == ['2', '5'] and _untimed(files[1]) == _untimed(files[0])


def test_a_failed_clip_is_retried_and_reported(folder, tmp_path, local_ray, capsys):
    (folder / 'frames' / '5' / '00003.jpg').write_bytes(b'not a jpeg')
    out = tmp_path / 'r.json'
    rc = main(['evaluate', str(folder), '--method', 'chained-flow', '--backend', 'ray', '--retries', '1', '--out', str(out), '--quiet'])
    err = capsys.readouterr().err
    assert rc == 1 and '1 of 2 videos failed: 5' in err
    videos = json.loads(out.read_text())['videos']
    assert '00003.jpg' in videos['5']['error'] and 'after 2 attempts' in videos['5']['error']
    assert 0 <= videos['2']['AJ'] <= 1
