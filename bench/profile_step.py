"""Where the time of one OmniMotion training step goes: torch.profiler over a few steps, top operators by CPU time.

    python bench/profile_step.py --preset cpu               # the CPU demo preset
    python bench/profile_step.py --preset paper-schedule --steps 2   # the paper's settings (slow on a CPU)
    python bench/profile_step.py --device cuda              # on a GPU (sorted by CUDA time)

Also times the three phases of a step separately (forward losses, backward, optimiser) with the profiler off.
"""
import argparse, time


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--preset', default='cpu')
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--steps', type=int, default=5)
    ap.add_argument('--frames', type=int, default=24)
    ap.add_argument('--threads', type=int, default=0)
    ap.add_argument('--top', type=int, default=15)
    a = ap.parse_args()
    import torch
    if a.threads: torch.set_num_threads(a.threads)
    from torch.profiler import profile, ProfilerActivity
    from omnimotion_nb.synthetic import make_scene
    from omnimotion_nb.train import OmniMotion
    m = OmniMotion(make_scene(n_frames=a.frames).video, preset=a.preset, device=a.device)
    m._prepare_flows()
    cuda = m.device.type == 'cuda'
    sync = torch.cuda.synchronize if cuda else (lambda: None)
    for _ in range(2): m.train_step()                      # warm-up

    # phases, profiler off
    t = dict(forward=0.0, backward=0.0, optimiser=0.0)
    for _ in range(a.steps):
        sync(); t0 = time.perf_counter()
        total, L, _ = m._losses(m.gen, bool(m.config['amp']) and cuda)
        sync(); t1 = time.perf_counter()
        m.opt.zero_grad(set_to_none=True); total.backward()
        sync(); t2 = time.perf_counter()
        m.opt.step()
        sync(); t3 = time.perf_counter()
        t['forward'] += t1 - t0; t['backward'] += t2 - t1; t['optimiser'] += t3 - t2
    step = sum(t.values()) / a.steps
    print(f"preset {a.preset} on {m.device} ({torch.get_num_threads()} threads): {1000 * step:.1f} ms/step; "
          + ", ".join(f"{k} {100 * v / a.steps / step:.0f}%" for k, v in t.items()))

    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if cuda else [])
    with profile(activities=acts) as prof:
        for _ in range(a.steps): m.train_step()
    sync()
    key = 'cuda_time_total' if cuda else 'self_cpu_time_total'
    print(prof.key_averages().table(sort_by=key, row_limit=a.top))


if __name__ == '__main__':
    main()
