"""Exploratory: an occlusion test by the model's own round trip, scored against the depth test, on the demo scene.

    omnimotion-nb track --demo --out demo_out          # trains and saves demo_out/model.pt
    python bench/occlusion_roundtrip.py demo_out/model.pt

For each query (frame i, pixel p) and frame j: the tracked position q_j, then the surface the model renders at q_j
in frame j, mapped back to frame i. Where that lands far from p, something else is in front of the point in frame j
(or the model is unsure there): call it occluded. Prints AJ / <delta_avg / OA for the depth test, the round trip
alone, and both, over a range of pixel tolerances (one scene: a pointer for what to build, not a tuned setting).
"""
import argparse
import numpy as np, torch


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('model', help='a model.pt saved by `omnimotion-nb track --demo`')
    ap.add_argument('--tolerances', default='1,2,3,4,6,8')
    a = ap.parse_args()
    from omnimotion_nb.synthetic import make_scene
    from omnimotion_nb.train import OmniMotion
    from omnimotion_nb.render import render_rays
    from omnimotion_nb.metrics import tapvid_metrics
    sc = make_scene()                                  # the demo clip
    m = OmniMotion.load(a.model)
    if m.video.shape != sc.video.shape: raise ValueError(f"{a.model} was not trained on the demo clip")
    tracks, occ_depth = m.track(sc.queries)
    c, n, T = m.config, len(sc.queries), m.T
    with torch.no_grad():                              # every (query, frame j) position, rendered back to its query frame
        xy = torch.as_tensor(tracks, device=m.device).reshape(-1, 2)
        t_j = torch.arange(T, device=m.device).repeat(n)
        t_q = torch.as_tensor(sc.queries[:, 0], device=m.device).long().repeat_interleave(T)
        out = render_rays(m.bij, m.volume, xy, t_j, m.size, c['n_samples'], c['near'], c['far'], targets=t_q[:, None])
    back = out['xy_targets'][:, 0].reshape(n, T, 2).cpu().numpy()
    miss = np.linalg.norm(back - sc.queries[:, None, 1:], axis=-1)
    own = np.zeros((n, T), bool); own[np.arange(n), sc.queries[:, 0].astype(int)] = True

    def row(name, o):
        o = o & ~own
        r = tapvid_metrics(sc.queries, sc.tracks, sc.occluded, tracks, o, 'first', sc.video.shape[1:3])
        print(f"| {name} | {100 * r['AJ']:.1f} | {100 * r['delta_avg']:.1f} | {100 * r['OA']:.1f} | {100 * o.mean():.0f} |")

    print(f"truth: {100 * sc.occluded.mean():.0f}% of point-frames occluded\n")
    print("| occlusion test | AJ | <δ_avg | OA | called occluded % |\n|---|---|---|---|---|")
    row('depth (default)', occ_depth)
    for tau in [float(t) for t in a.tolerances.split(',')]:
        row(f'round trip > {tau:g} px', miss > tau)
        row(f'depth or round trip > {tau:g} px', occ_depth | (miss > tau))


if __name__ == '__main__':
    main()
