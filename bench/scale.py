"""How OmniMotion's costs grow with the length of the clip: flow, preparation, training step, memory, tracking.

    python bench/scale.py                       # 24, 48, 96 and 192 frames at 256 x 192, the `cpu` preset
    python bench/scale.py --frames 24,48 --steps 10
    python bench/scale.py --smoke               # CI-sized: 8 and 16 frames at 64 x 48, 2 steps, 50 queries

Each clip (`make_scene(T, H, W)`, seed 0) runs in its own subprocess, so its peak RSS (`resource.getrusage` max RSS,
which counts every byte the process ever held, memory-mapped flow pages included) is its own. Columns: the pairs of
`flow_pairs`; "flow s": `chained_pair_flows` (DIS, the preset's flow method, no cache); "prepare s": the rest of
`_prepare_flows` (SIFT matches, trust test, spreading, writing the flows to disk, the sampler); "ms/step": the mean of
`--steps` training steps after 2 warm-up steps; in brackets, the process's CPU time (with one thread, the work
itself, which other jobs on the machine inflate less than the wall time); "peak RSS": over the whole run; "RSS train": the resident memory
after training (what stays: model, sampler state, the flow pages read); "track s": `track` on `--queries` random
queries, each rendered into every frame.
"""
import argparse, json, resource, subprocess, sys, tempfile, time


def _rss_mb():
    "Resident memory now (MB), from /proc (Linux)."
    with open('/proc/self/statm') as f: return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def child(frames, height, width, steps, queries, threads):
    import numpy as np, torch
    torch.set_num_threads(threads)
    from omnimotion_nb.synthetic import make_scene
    from omnimotion_nb.flow import chained_pair_flows, flow_pairs
    from omnimotion_nb.train import OmniMotion, PRESETS
    c = PRESETS['cpu']
    video = make_scene(frames, height, width, seed=0).video
    pairs = flow_pairs(frames, window=c['window'], n_long=c['n_long'])
    say = lambda what: print(f"[{frames} frames] {what} (cpu {time.process_time():.0f} s)", file=sys.stderr, flush=True)
    say('flows...')
    t0, c0 = time.perf_counter(), time.process_time()
    flows = chained_pair_flows(video, pairs, progress=False, preset=c['flow_preset'])
    t1, c1 = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as cache:   # the spilled training flows go here, as with `--out/flow_cache`
        m = OmniMotion(video, preset='cpu', device='cpu', flows=flows, flow_cache=cache)
        del flows                                  # the model holds them now (and lets them go once on disk)
        say('preparing...')
        t2, c2 = time.perf_counter(), time.process_time()
        m._prepare_flows(progress=False)
        t3, c3 = time.perf_counter(), time.process_time()
        say('training...')
        for _ in range(2): m.train_step()          # warm-up
        t4, c4 = time.perf_counter(), time.process_time()
        for _ in range(steps): m.train_step()
        t5, c5 = time.perf_counter(), time.process_time()
        say('tracking...')
        rss_train = _rss_mb()
        g = np.random.default_rng(0)
        q = np.stack([g.integers(0, frames, queries), g.uniform(0, width - 1, queries), g.uniform(0, height - 1, queries)], 1)
        t6, c6 = time.perf_counter(), time.process_time()
        m.track(q.astype(np.float32))
        t7, c7 = time.perf_counter(), time.process_time()
        del m
    print(json.dumps(dict(frames=frames, pairs=len(pairs), flow_s=t1 - t0, prepare_s=t3 - t2, ms_step=1000 * (t5 - t4) / steps,
                          peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, rss_train_mb=rss_train,
                          track_s=t7 - t6, flow_cpu_s=c1 - c0, prepare_cpu_s=c3 - c2, cpu_ms_step=1000 * (c5 - c4) / steps,
                          track_cpu_s=c7 - c6)))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument('--frames', default='24,48,96,192', help="comma-separated clip lengths")
    p.add_argument('--size', default='256x192', help="W x H")
    p.add_argument('--steps', type=int, default=20, help="timed training steps per clip")
    p.add_argument('--queries', type=int, default=1000)
    p.add_argument('--threads', type=int, default=1, help="torch threads")
    p.add_argument('--verbose', action='store_true', help="show each clip's progress (stderr)")
    p.add_argument('--smoke', action='store_true', help="CI-sized: 8 and 16 frames at 64 x 48, 2 steps, 50 queries")
    p.add_argument('--one', type=int, default=None, help=argparse.SUPPRESS)   # internal: run one clip in this process
    a = p.parse_args(argv)
    if a.smoke: a.frames, a.size, a.steps, a.queries = '8,16', '64x48', 2, 50
    try:
        width, height = (int(v) for v in a.size.lower().split('x'))
        frames = [int(f) for f in a.frames.split(',')]
    except ValueError:
        p.error(f"--size must be W x H (e.g. 256x192) and --frames comma-separated integers, got {a.size!r} and {a.frames!r}")
    if a.one is not None: return child(a.one, height, width, a.steps, a.queries, a.threads)
    print(f"| frames | pairs | flow s (CPU s) | prepare s (CPU s) | ms/step (CPU ms) | peak RSS MB | RSS train MB "
          f"| track {a.queries} queries s (CPU s) |")
    print("|---|---|---|---|---|---|---|---|")
    rows = []
    for T in frames:
        r = subprocess.run([sys.executable, __file__, '--one', str(T), '--size', a.size, '--steps', str(a.steps),
                            '--queries', str(a.queries), '--threads', str(a.threads)], stdout=subprocess.PIPE,
                           stderr=None if a.verbose else subprocess.PIPE, text=True)
        if r.returncode != 0: sys.exit(f"the {T}-frame clip failed" + ("" if a.verbose else f":\n{r.stderr[-3000:]}"))
        x = json.loads(r.stdout.strip().splitlines()[-1]); rows.append(x)
        print(f"| {T} | {x['pairs']} | {x['flow_s']:.1f} ({x['flow_cpu_s']:.1f}) | {x['prepare_s']:.1f} ({x['prepare_cpu_s']:.1f}) "
              f"| {x['ms_step']:.0f} ({x['cpu_ms_step']:.0f}) | {x['peak_rss_mb']:.0f} | {x['rss_train_mb']:.0f} "
              f"| {x['track_s']:.1f} ({x['track_cpu_s']:.1f}) |", flush=True)
    print("CPU per frame: " + ", ".join(f"{x['frames']} frames: flow {1000 * x['flow_cpu_s'] / x['frames']:.0f} ms, "
                                        f"prepare {1000 * x['prepare_cpu_s'] / x['frames']:.0f} ms" for x in rows))


if __name__ == '__main__':
    main()
