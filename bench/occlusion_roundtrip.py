"""The round-trip occlusion test (`track`'s default, 4 px) against the paper's depth test alone, over tolerances, on the demo scene.

    omnimotion-nb track --demo --out demo_out          # trains and saves demo_out/model.pt
    python bench/occlusion_roundtrip.py demo_out/model.pt
    python bench/occlusion_roundtrip.py model_seed1.pt --seed 1   # a model fitted to make_scene(seed=1)

For each query (frame i, pixel p) and frame j: the tracked position q_j, then the surface the model renders at q_j
in frame j, mapped back to frame i. Where that lands far from p, something else is in front of the point in frame j
(or the model is unsure there): call it occluded (`track(occlusion='depth+roundtrip', roundtrip_px=...)`, the default). Prints
AJ / <delta_avg / OA for the depth test alone and with the round trip, over a range of pixel tolerances.
"""
import argparse
import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('model', help='a model.pt saved by `omnimotion-nb track --demo`')
    ap.add_argument('--seed', type=int, default=0, help='the synthetic scene the model was fitted to (demo: 0)')
    ap.add_argument('--tolerances', default='1,2,3,4,6,8')
    a = ap.parse_args()
    from omnimotion_nb.synthetic import make_scene
    from omnimotion_nb.train import OmniMotion
    from omnimotion_nb.metrics import tapvid_metrics
    sc = make_scene(seed=a.seed)                       # seed 0: the demo clip
    m = OmniMotion.load(a.model)
    if m.video.shape != sc.video.shape or not np.allclose(m.video, sc.video, atol=1 / 255):   # saved as 8-bit
        raise ValueError(f"{a.model} was not fitted to make_scene(seed={a.seed})")
    print(f"truth: {100 * sc.occluded.mean():.0f}% of point-frames occluded\n")
    print("| occlusion test | AJ | <δ_avg | OA | called occluded % |\n|---|---|---|---|---|")
    tests = [("depth (the paper's test alone)", dict(occlusion='depth'))] + \
            [(f'depth or round trip > {t:g} px', dict(occlusion='depth+roundtrip', roundtrip_px=t))
             for t in (float(x) for x in a.tolerances.split(','))]
    for name, kw in tests:
        tracks, occ = m.track(sc.queries, **kw)       # positions are the same for every test; only the flags differ
        r = tapvid_metrics(sc.queries, sc.tracks, sc.occluded, tracks, occ, 'first', sc.video.shape[1:3])
        print(f"| {name} | {100 * r['AJ']:.1f} | {100 * r['delta_avg']:.1f} | {100 * r['OA']:.1f} | {100 * occ.mean():.0f} |")


if __name__ == '__main__':
    main()
