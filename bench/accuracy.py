"""Accuracy and wall time of OmniMotion and the baselines on synthetic scenes (and on TAP-Vid-DAVIS when given).

    python bench/accuracy.py                                 # 3 synthetic seeds, every method, cpu preset
    python bench/accuracy.py --seeds 0,1,2,3 --preset cpu --steps 2000
    python bench/accuracy.py --davis ../shared/data/tapvid_davis32 --methods chained-flow,omnimotion
    python bench/accuracy.py --methods omnimotion --set mask_near=0 --set flow_preset=fine   # an ablation

Synthetic scenes use the query-first protocol (each true track queried at its first visible frame); DAVIS uses
the strided protocol at 256 x 256 (TAP-Vid's). Prints markdown tables (AJ, <delta_avg, OA in %, TC in px, seconds).
"""
import argparse, ast, json, sys, time
import numpy as np


def _setting(text):
    "'key=value' -> (key, value), the value read as a Python literal where it is one (0.25, None, 'fine' or fine)."
    if '=' not in text: raise SystemExit(f"--set wants KEY=VALUE, got {text!r}")
    k, v = text.split('=', 1)
    try: return k.strip(), ast.literal_eval(v)
    except (ValueError, SyntaxError): return k.strip(), v


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--methods', default='still,homography,chained-flow,omnimotion')
    ap.add_argument('--preset', default='cpu')
    ap.add_argument('--steps', type=int, default=None)
    ap.add_argument('--device', default=None)
    ap.add_argument('--frames', type=int, default=24)
    ap.add_argument('--davis', default=None, help='a TAP-Vid-DAVIS-32 style folder to evaluate on as well')
    ap.add_argument('--videos', default=None, help='DAVIS video indices, e.g. 0,1,2')
    ap.add_argument('--work-size', type=int, default=256, help='DAVIS: longer side of the frames the trackers see (flow-based trackers lose a lot at 128)')
    ap.add_argument('--json', default=None, help='write all numbers here')
    ap.add_argument('--set', action='append', default=[], metavar='KEY=VALUE',
                    help='an OmniMotion setting (a key of PRESETS), repeatable: --set mask_near=0 --set flow_preset=fine')
    a = ap.parse_args()
    from omnimotion_nb.synthetic import make_scene
    from omnimotion_nb.metrics import tapvid_metrics, metrics_table, jaccard_breakdown
    from omnimotion_nb.evaluate import make_tracker, evaluate_folder, results_table
    methods = a.methods.split(',')
    overrides = dict(_setting(s) for s in a.set)
    kw = lambda m: dict(preset=a.preset, steps=a.steps, device=a.device, **overrides) if m == 'omnimotion' else {}
    out = {'synthetic': {}, 'davis': {}}
    per = {m: [] for m in methods}
    kinds = ('visible', 'tp', 'called_occluded', 'too_far', 'occluded_called_visible')
    pooled = {m: dict.fromkeys(kinds, 0.0) for m in methods}   # point-frames by kind, summed over seeds
    for seed in [int(s) for s in a.seeds.split(',')]:
        sc = make_scene(n_frames=a.frames, seed=seed)
        for m in methods:
            t0 = time.time()
            tr, oc = make_tracker(m, **kw(m)).track(sc.video, sc.queries)
            r = tapvid_metrics(sc.queries, sc.tracks, sc.occluded, tr, oc, 'first', sc.video.shape[1:3])
            r['seconds'] = time.time() - t0
            b = jaccard_breakdown(sc.queries, sc.tracks, sc.occluded, tr, oc, 'first', sc.video.shape[1:3])
            for k in kinds: pooled[m][k] += float(b[k].mean())      # mean over the thresholds
            r['breakdown'] = {k: b[k].tolist() for k in kinds}
            per[m].append(r); out['synthetic'][f'{m}/seed{seed}'] = r
            print(f"seed {seed} {m}: AJ {100 * r['AJ']:.1f} OA {100 * r['OA']:.1f} ({r['seconds']:.0f} s)", file=sys.stderr, flush=True)
    mean = {m: {k: float(np.mean([r[k] for r in per[m]])) for k in per[m][0] if k != 'breakdown'} for m in methods if per[m]}
    print(f"### Synthetic scenes ({a.frames} frames, 96 x 128, seeds {a.seeds}; mean over seeds; query-first)\n")
    print(metrics_table(mean, keys=('AJ', 'delta_avg', 'OA', 'TC', 'seconds')))
    # which scored point-frames cost each method its AJ (see `jaccard_breakdown` in 01_metrics)
    print("\nWhere the AJ goes: scored point-frames summed over the seeds, mean over the five thresholds\n")
    print("| method | visible | within, called visible | visible, called occluded | too far, called visible | occluded, called visible |")
    print("|---|---|---|---|---|---|")
    for m in methods: print(f"| {m} | " + " | ".join(f"{pooled[m][k]:.0f}" for k in kinds) + " |")
    if a.davis:
        vids = None if a.videos is None else [int(v) for v in a.videos.split(',')]
        for m in methods:
            res = evaluate_folder(a.davis, m, videos=vids, work_size=a.work_size, progress=False, **kw(m))
            out['davis'][m] = res
            print(f"\n### TAP-Vid-DAVIS-32: {m} (strided, scored at 256 x 256, tracker at {a.work_size} px)\n")
            print(results_table(res))
    if a.json:
        open(a.json, 'w').write(json.dumps(out, indent=1))


if __name__ == '__main__':
    main()
