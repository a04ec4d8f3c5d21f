"""Time per OmniMotion training step, throughput and peak memory, per preset, against a simple reference step.

    python bench/train_step.py                      # tiny, cpu and paper-schedule presets on the CPU
    python bench/train_step.py --device cuda        # on a GPU
    python bench/train_step.py --presets cpu --steps 30 --frames 24
    python bench/train_step.py --presets cpu --compile   # adds a row with torch.compile'd coupling layers and volume

Each configuration runs in its own subprocess so its peak memory (max RSS on the CPU, max allocated on CUDA) is
its own. "points/s" counts ray samples pushed through the bijections and the canonical MLP (forward + backward)
per second. The reference is the same model and losses written the simple way: one frame pair at a time, and
separate inverse maps for the previous and the next frame (same objective: smoothness on the same quarter of rays).
"""
import argparse, json, os, resource, subprocess, sys, time


def child(preset, device, steps, frames, impl, threads):
    import numpy as np, torch
    if threads: torch.set_num_threads(threads)
    from omnimotion_nb.synthetic import make_scene
    from omnimotion_nb.train import OmniMotion, keep_freed_memory
    from omnimotion_nb.render import render_rays
    from omnimotion_nb.losses import photometric_loss, smoothness_loss, depth_range_loss, distortion_loss
    if device == 'cpu': keep_freed_memory()         # as `train_step` does, for the reference too: a fair comparison
    scene = make_scene(n_frames=frames)
    m = OmniMotion(scene.video, preset=preset, device=device)
    m._prepare_flows()
    c = m.config
    reference = impl == 'ref'
    if impl == 'compiled':
        # the hot code: each coupling layer's encoding + MLP and the canonical MLP; shapes vary (masked smoothness
        # rays), so compile for dynamic shapes. The first steps (warm-up, not timed) pay the compilation.
        for layer in m.bij.layers: layer._scale_shift = torch.compile(layer._scale_shift, dynamic=True)
        m.volume.forward = torch.compile(m.volume.forward, dynamic=True)

    def reference_step():
        "The straightforward version: a Python loop over pairs, prev/next mapped separately; the same objective."
        pairs, pix = m.sampler.sample(c['n_pairs'], c['n_points'], m.gen)
        total = 0
        for b in range(len(pairs)):
            i, j = m.pairs_t[pairs[b]]
            p = pix[b]
            xy = torch.stack([p % m.W, p // m.W], -1).float()
            ti = i.repeat(len(p)); tj = j.repeat(len(p))
            out = render_rays(m.bij, m.volume, xy, ti, m.size, c['n_samples'], c['near'], c['far'], stratified=True,
                              generator=m.gen, targets=tj[:, None])
            target = m._targets(pairs[b:b + 1], p[None])[0]
            loss = (out['xy_targets'][:, 0] - target).abs().sum(-1).mean()
            loss = loss + c['w_rgb'] * photometric_loss(out['rgb'], m.video_t[ti, xy[:, 1].long(), xy[:, 0].long()])
            if b < max(1, len(pairs) // 4) and 0 < int(i) < m.T - 1:   # the same quarter of the rays as the fast step
                xp = m.bij.inverse(out['canonical'], ti - 1); xn = m.bij.inverse(out['canonical'], ti + 1)
                loss = loss + c['w_smooth'] * smoothness_loss(xp, out['x'], xn)
            loss = loss + c['w_depth'] * depth_range_loss(out['x_targets'][:, 0, :, 2]) + c['w_dist'] * distortion_loss(out['weights'], out['depths'])
            total = total + loss / len(pairs)
        m.opt.zero_grad(); total.backward(); m.opt.step()

    step = reference_step if reference else m.train_step
    sync = (lambda: torch.cuda.synchronize()) if m.device.type == 'cuda' else (lambda: None)
    t_warm = time.perf_counter()
    for _ in range(3): step()                       # warm-up (and compilation)
    warm_s = time.perf_counter() - t_warm
    if m.device.type == 'cuda': torch.cuda.reset_peak_memory_stats()
    sync(); t0 = time.perf_counter()
    for _ in range(steps): step()
    sync(); dt = (time.perf_counter() - t0) / steps
    rays = c['n_pairs'] * c['n_points']
    samples = rays * c['n_samples']
    mem = (torch.cuda.max_memory_allocated() / 2**20) if m.device.type == 'cuda' else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(dict(preset=preset, impl={'ref': 'reference', 'fast': 'omnimotion_nb', 'compiled': 'torch.compile'}[impl],
                          device=str(m.device), warmup_s=warm_s,
                          ms_per_step=1000 * dt, rays=rays, samples_per_ray=c['n_samples'], points_per_s=samples / dt, peak_mem_mb=mem)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--presets', default='tiny,cpu,paper-schedule')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--steps', type=int, default=10)
    ap.add_argument('--frames', type=int, default=24)
    ap.add_argument('--threads', type=int, default=0, help='torch threads (0: torch default)')
    ap.add_argument('--no-reference', action='store_true')
    ap.add_argument('--compile', action='store_true', help='also time omnimotion_nb with torch.compile')
    ap.add_argument('--json', default=None, help='also write the rows here, one JSON object per line')
    ap.add_argument('--child', nargs=2, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        return child(a.child[0], a.device, a.steps, a.frames, a.child[1], a.threads)
    rows = []
    for p in a.presets.split(','):
        for impl in ['fast'] + ([] if a.no_reference else ['ref']) + (['compiled'] if a.compile else []):
            r = subprocess.run([sys.executable, __file__, '--child', p, impl, '--device', a.device, '--steps', str(a.steps),
                                '--frames', str(a.frames), '--threads', str(a.threads)], capture_output=True, text=True)
            if r.returncode: print(r.stderr[-2000:], file=sys.stderr); continue
            rows.append(json.loads(r.stdout.strip().splitlines()[-1]))
    if a.json: open(a.json, 'w').write(''.join(json.dumps(r) + '\n' for r in rows))
    print("| preset | implementation | device | ms/step | rays x samples | points/s | peak memory (MB) |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['preset']} | {r['impl']} | {r['device']} | {r['ms_per_step']:.1f} | {r['rays']} x {r['samples_per_ray']} | "
              f"{r['points_per_s']:.3g} | {r['peak_mem_mb']:.0f} |")
    for p in a.presets.split(','):
        f = [r for r in rows if r['preset'] == p and r['impl'] == 'omnimotion_nb']
        s = [r for r in rows if r['preset'] == p and r['impl'] == 'reference']
        if f and s: print(f"{p}: omnimotion_nb step is {s[0]['ms_per_step'] / f[0]['ms_per_step']:.2f}x faster than the reference")
        k = [r for r in rows if r['preset'] == p and r['impl'] == 'torch.compile']
        if f and k: print(f"{p}: torch.compile step takes {k[0]['ms_per_step'] / f[0]['ms_per_step']:.2f}x the time of omnimotion_nb's "
                          f"(after {k[0]['warmup_s']:.0f} s of warm-up and compilation, against {f[0]['warmup_s']:.1f} s)")


if __name__ == '__main__':
    main()
