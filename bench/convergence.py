"""Convergence against wall-clock time: the paper-sized networks (`paper-schedule`) and the `cpu` preset on one clip.

    python bench/convergence.py                                  # 180 s of training each, 2 threads, the demo scene
                                                                 # (paper-sized networks with their own and with the
                                                                 # cpu preset's learning rates, and the cpu preset)
    python bench/convergence.py --budget 60 --presets cpu,tiny   # any presets, any budget

The models are fitted to the same flows of `make_scene(seed=0)` (the demo clip: 24 frames, 96 x 128), one after the
other, for the same number of seconds of training. Every `--every` seconds of training, and at steps 1, 2, 4, 8, ...,
the flow error is measured on a fixed held-out batch (16 pairs x 128 valid pixels drawn once, the same for every
model; rays rendered at evenly spaced depths; not counted in the training time): the mean L1 distance in pixels
between where the model maps a pixel and where the flow puts it, what the flow loss trains. Writes
`bench/predictions/convergence/synthetic_seed0.json`, which `05_bijections` draws.
"""
import argparse, json, os, time
from pathlib import Path


def parameters(module) -> int: return sum(p.numel() for p in module.parameters())


def held_out_batch(model, n_pairs=16, n_points=128, seed=1):
    "Pairs and valid pixels drawn uniformly with their own generator: the same for any model fitted to the same flows."
    import torch
    g = torch.Generator().manual_seed(seed)
    usable = model.sampler.usable
    pairs = usable[torch.randint(len(usable), (n_pairs,), generator=g)]
    pix = torch.multinomial(model.sampler.valid[pairs].float(), n_points, replacement=True, generator=g)
    return pairs, pix


def flow_error(model, pairs, pix) -> float:
    "Mean L1 flow error (px) of the model on a batch, rays at evenly spaced depths (no training randomness)."
    import torch
    from omnimotion_nb.render import render_rays
    from omnimotion_nb.losses import flow_errors
    c = model.config
    xy, t_i, t_j = model._batch_rays(pairs, pix)                 # the rays a training step renders for this batch
    with torch.no_grad():
        out = render_rays(model.bij, model.volume, xy, t_i, model.size, c['n_samples'], c['near'], c['far'], targets=t_j[:, None])
        return float(flow_errors(out['xy_targets'][:, 0], model._targets(pairs, pix).reshape(-1, 2)).mean())


def run(name, budget, every, flow_cache):
    "Fit preset `name` ('preset@cpu-lr': that preset with the `cpu` preset's learning rates) for `budget` s of training."
    from omnimotion_nb.synthetic import make_scene
    from omnimotion_nb.train import OmniMotion, PRESETS
    preset, _, variant = name.partition('@')
    lrs = {k: PRESETS['cpu'][k] for k in ('lr_latent', 'lr_deform', 'lr_color')} if variant == 'cpu-lr' else {}
    if variant not in ('', 'cpu-lr'): raise SystemExit(f"unknown variant {variant!r} (only 'cpu-lr')")
    m = OmniMotion(make_scene(n_frames=24, seed=0).video, preset=preset, flow_cache=flow_cache, seed=0, **lrs)
    m._prepare_flows(progress=False)
    pairs, pix = held_out_batch(m)
    c = m.config
    points, trained, next_eval = [], 0.0, 0.0
    while True:
        if trained >= next_eval or m.step & (m.step - 1) == 0:   # every `every` seconds, and at steps 1, 2, 4, 8, ...
            points.append([round(trained, 2), m.step, round(flow_error(m, pairs, pix), 4)])
            next_eval += every if trained >= next_eval else 0
            print(f"{name}: {trained:6.1f} s, step {m.step:5d}, held-out flow error {points[-1][2]:.3f} px", flush=True)
        if trained >= budget: break
        t = time.perf_counter(); m.train_step(); trained += time.perf_counter() - t
    return dict(preset=name, learning_rates={k: c[k] for k in ('lr_latent', 'lr_deform', 'lr_color')},
                parameters=dict(bijections=parameters(m.bij), volume=parameters(m.volume)),
                batch=dict(pairs=c['n_pairs'], points=c['n_points'], samples=c['n_samples']),
                widths=dict(bij_hidden=c['bij_hidden'], volume_hidden=c['volume_hidden'], latent_dim=c['latent_dim']),
                steps=m.step, seconds=round(trained, 1), ms_per_step=round(1000 * trained / max(m.step, 1), 1),
                points=points)


if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--presets', default='paper-schedule,paper-schedule@cpu-lr,cpu',
                    help="presets; 'name@cpu-lr': that preset with the cpu preset's learning rates")
    ap.add_argument('--budget', type=float, default=180.0, help='seconds of training per preset')
    ap.add_argument('--every', type=float, default=5.0, help='seconds of training between held-out measurements')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--out', default=str(Path(__file__).parent / 'predictions' / 'convergence' / 'synthetic_seed0.json'))
    a = ap.parse_args()
    import torch, cv2, platform, tempfile
    torch.set_num_threads(a.threads); cv2.setNumThreads(a.threads)
    with tempfile.TemporaryDirectory() as cache:
        runs = [run(p, a.budget, a.every, cache) for p in a.presets.split(',')]
    result = dict(command='python bench/convergence.py ' + ' '.join(f'--{k} {v}' for k, v in vars(a).items() if k != 'out'),
                  machine=f"{platform.machine()}, {os.cpu_count()} cores, {a.threads} threads", date=time.strftime('%Y-%m-%d'),
                  scene='make_scene(n_frames=24, seed=0)', runs=runs)
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(json.dumps(result, indent=1))
    for r in runs:
        print(f"{r['preset']}: {r['steps']} steps in {r['seconds']} s ({r['ms_per_step']} ms a step), "
              f"held-out flow error {r['points'][0][2]:.2f} -> {r['points'][-1][2]:.2f} px")
    print('wrote', a.out)
