"""What `trusted_matches` keeps: per clip, how many frame pairs pass and what share of the bridging SIFT matches
(those landing where the chained flow failed) it drops, at a few thresholds.

    python bench/match_trust.py                                   # synthetic seeds 0-3 (24 frames, 96 x 128)
    python bench/match_trust.py --davis ../shared/data/tapvid_davis32 --videos 0,2,5 --seeds none
    python bench/match_trust.py --thresholds 0.8,0.9,0.95 --cache /tmp/flows   # reuse flows between runs

DAVIS clips are resized to 256 px on the longer side, as `omnimotion-nb evaluate --work-size 256` does.
"""
import argparse
import numpy as np


def bridging_dropped(video, thresholds, cache=None):
    "(pairs, {threshold: (pairs kept, bridging matches kept, bridging matches)}) for one clip."
    from omnimotion_nb.flow import chained_pair_flows, flow_pairs, descriptor_matches, match_agreement, trusted_pairs
    pf = chained_pair_flows(video, flow_pairs(len(video)), cache_dir=cache, progress=False, preset='precise')
    ms = descriptor_matches(video, pf.pairs)
    n, _ = match_agreement(pf, ms)
    bridging = np.array([len(a) for a, _ in ms]) - n        # a match either lands where the flow holds or bridges
    out = {}
    for t in thresholds:
        keep = trusted_pairs(pf, ms, min_agree=t)
        out[t] = (int(keep.sum()), int(bridging[keep].sum()), int(bridging.sum()))
    return len(pf), out


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--seeds', default='0,1,2,3', help="synthetic scene seeds, or 'none'")
    p.add_argument('--davis', default=None, help="a TAP-Vid-DAVIS-32 folder")
    p.add_argument('--videos', default=None, help="DAVIS video indices (default: all)")
    p.add_argument('--frames', type=int, default=24, help="synthetic clip length")
    p.add_argument('--thresholds', default='0.8,0.9,0.95')
    p.add_argument('--cache', default=None, help="flow cache folder")
    a = p.parse_args()
    ts = [float(t) for t in a.thresholds.split(',')]
    clips = []
    if a.seeds != 'none':
        from omnimotion_nb.synthetic import make_scene
        clips += [(f'synthetic seed {s}', lambda s=s: make_scene(n_frames=a.frames, seed=int(s)).video) for s in a.seeds.split(',')]
    if a.davis:
        from omnimotion_nb.tapvid import load_davis32
        from omnimotion_nb.data import resize_video
        vids = None if a.videos is None else [int(v) for v in a.videos.split(',')]
        for clip in load_davis32(a.davis, videos=vids):
            clips.append((f'DAVIS video {clip.video_idx}',
                          lambda c=clip: resize_video(c.video, 256)))
    print('| clip | pairs | ' + ' | '.join(f'kept at {t:g}: pairs / bridging matches dropped' for t in ts) + ' |')
    print('|---|---|' + '---|' * len(ts))
    for name, get in clips:
        P, out = bridging_dropped(get(), ts, a.cache)
        cells = [f'{k} / {1 - kb / max(b, 1):.0%} of {b}' for k, kb, b in (out[t] for t in ts)]
        print(f'| {name} | {P} | ' + ' | '.join(cells) + ' |', flush=True)


if __name__ == '__main__':
    main()
