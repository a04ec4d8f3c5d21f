"""Bad input, tried the way a careless or hostile new user would: every case must end in a clear error (or warning)
that names the problem, or — where the input used to be misread — in the right result. Files that carry code must
not run it. `python tests/test_bad_input.py` prints the table of cases and the count (bench/BAD_INPUT.md)."""
import contextlib, io, os, pickle, sys, tempfile, warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pytest
import torch
import imageio.v3 as iio

from omnimotion_nb.data import load_video, save_video
from omnimotion_nb.synthetic import make_scene
from omnimotion_nb.tapvid import load_tapvid_pickle, load_davis32
from omnimotion_nb.metrics import tapvid_metrics
from omnimotion_nb.data import check_queries
from omnimotion_nb.train import OmniMotion
from omnimotion_nb.evaluate import evaluate_folder
from omnimotion_nb.widgets import TrackViewer, CanonicalViewer
from omnimotion_nb.cli import main

CLEAR_ERRORS = (ValueError, FileNotFoundError, FloatingPointError)


class Payload:
    "What a doctored file holds: opening it with plain pickle would call os.system and create `marker`."
    def __init__(self, marker): self.marker = marker
    def __reduce__(self): return (os.system, (f'touch {self.marker}',))


@dataclass
class Case:
    where: str                      # the entry point
    what: str                       # the bad input
    run: Callable                   # ctx -> result
    expect: str                     # text the error / warning / CLI line must contain (what the user sees)
    kind: str = 'error'             # 'error', 'warning', 'result' (must come out right), 'cli' (exit 2, one line)
    check: Callable = None          # ctx (or result for 'result') -> bool: what must also hold (no code ran, a finite model)


class Ctx:
    "Files and a small fitted model the cases use, written once in a temporary folder."
    def __init__(self, d: Path):
        self.d = d
        self.scene = make_scene(8, 48, 64, n_points=6, seed=3)
        self.video = self.scene.video
        self.q = self.scene.queries
        self.clip = save_video(d / 'clip.mp4', self.video)
        u8 = (self.video * 255).round().astype(np.uint8)
        # a folder 1.png, 2.png, 10.png: frame k shows the value k
        (d / 'numbered').mkdir()
        for k in (1, 2, 10): iio.imwrite(d / 'numbered' / f'{k}.png', np.full((8, 8, 3), k, np.uint8))
        (d / 'empty').mkdir()
        (d / 'brokenframe').mkdir(); save_video(d / 'brokenframe', self.video)
        (d / 'brokenframe' / '00003.png').write_bytes(b'not a png')
        iio.imwrite(d / 'fast.mp4', u8, fps=8, macro_block_size=1, output_params=['-movflags', 'faststart'])
        data = (d / 'fast.mp4').read_bytes(); (d / 'truncated.mp4').write_bytes(data[:int(len(data) * 0.6)])
        (d / 'notes.mp4').write_text('not a video')
        (d / 'afile').write_text('a file')
        # pickles
        with open(d / 'evil.pkl', 'wb') as f: pickle.dump({'clip': {'video': Payload(d / 'ran_pkl'), 'points': 0, 'occluded': 0}}, f)
        (d / 'notpickle.pkl').write_bytes(b'not a pickle')
        with open(d / 'nokeys.pkl', 'wb') as f: pickle.dump({'clip': {'video': u8}}, f)
        (d / 'davis_evil' / 'frames').mkdir(parents=True)
        with open(d / 'davis_evil' / 'a.pkl', 'wb') as f: pickle.dump({'videos': [Payload(d / 'ran_davis')]}, f)
        (d / 'davis_two').mkdir()
        self.davis12 = _davis_folder(d / 'davis12', u8, self.scene, (1, 2))   # videos 1 and 2, no video 12
        for n in ('a', 'b'):
            with open(d / 'davis_two' / f'{n}.pkl', 'wb') as f: pickle.dump({'videos': []}, f)
        # a small fitted model, its checkpoint, and doctored / corrupt / finite copies
        self.model = OmniMotion(self.video, preset='tiny', device='cpu', checkpoint_every=5)
        self.model.fit(5, checkpoint_dir=d / 'ck', progress=False)
        self.flows = self.model._flows
        s = self.model.state_dict(); s['history'] = [Payload(d / 'ran_pt')]
        torch.save(s, d / 'evil.pt')
        s['history'] = [Payload(d / 'ran_ck')]
        (d / 'evil_ck').mkdir(); torch.save(s, d / 'evil_ck' / 'last.pt')
        (d / 'corrupt.pt').write_bytes(b'garbage' * 10)
        (d / 'corrupt_ck').mkdir(); (d / 'corrupt_ck' / 'last.pt').write_bytes(b'garbage' * 10)
        (d / 'out_bad' / 'checkpoints').mkdir(parents=True); (d / 'out_bad' / 'checkpoints' / 'last.pt').write_bytes(b'x')
        # queries files
        np.save(d / 'far.npy', np.array([[0, 500, 5]], np.float32))
        np.savez(d / 'nokey.npz', points=np.zeros((2, 3)))
        (d / 'broken.npy').write_bytes(b'\x93NUMPY broken')
        (d / 'flowcache_corrupt').mkdir()

    def om(self, **kw):
        "A tiny OmniMotion on the clip, reusing its flows."
        return OmniMotion(self.video, preset='tiny', device='cpu', flows=self.flows, **kw)



def _davis_folder(root: Path, u8, scene, indices):
    "A DAVIS-32-style folder: frames/<idx>/00000.jpg ... and one pickle of strided annotations."
    videos = []
    for idx in indices:
        (root / 'frames' / str(idx)).mkdir(parents=True)
        for t, f in enumerate(u8): iio.imwrite(root / 'frames' / str(idx) / f'{t:05d}.jpg', f)
        vis = ~scene.occluded[:, 0]
        videos.append({'video_idx': idx, 'h': u8.shape[1], 'w': u8.shape[2], 'query_points': {0: scene.tracks[vis, 0]},
                       'target_points': {0: scene.tracks[vis]}, 'occluded': {0: scene.occluded[vis]}})
    with open(root / 'a.pkl', 'wb') as f: pickle.dump({'videos': videos}, f)
    return root


def cli(ctx, *args):
    "Run the command line's `main`; returns (exit code, stderr)."
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out): code = main(list(args))
    return code, err.getvalue()


def params_finite(m): return all(bool(torch.isfinite(p).all()) for p in list(m.bij.parameters()) + list(m.volume.parameters()))


def _blow_up(ctx):
    ctx.hot = ctx.om(checkpoint_every=1, lr_latent=30.0, lr_deform=30.0, lr_color=30.0)
    return ctx.hot.fit(40, checkpoint_dir=ctx.d / 'hot', progress=False)


def _blown_up_model_is_good(ctx):
    "After a blow-up: the model in memory is finite, and so is the checkpoint it left."
    ck = ctx.d / 'hot' / 'last.pt'
    return params_finite(ctx.hot) and (not ck.exists() or params_finite(OmniMotion.load(ck)))


def _changed_settings(ctx):
    ctx.om(checkpoint_every=5).fit(5, checkpoint_dir=ctx.d / 'ck_changed', progress=False)
    return ctx.om(checkpoint_every=5, lr_color=1e-3).fit(10, checkpoint_dir=ctx.d / 'ck_changed', progress=False)


def _cli_changed_settings(ctx):
    "A second `track` into the same --out with another seed: its checkpoint was made with other settings."
    args = ['track', str(ctx.clip), '--out', str(ctx.d / 'out_seed'), '--preset', 'tiny', '--steps', '2', '--quiet']
    assert cli(ctx, *args)[0] == 0
    return cli(ctx, *args, '--seed', '1')


def _corrupt_flow_cache(ctx):
    from omnimotion_nb.flow import compute_pair_flows
    d = ctx.d / 'flowcache_corrupt'
    compute_pair_flows(ctx.video[:3], cache_dir=d, progress=False)
    for f in d.glob('flows_*.npz'): f.write_bytes(b'corrupt')
    return compute_pair_flows(ctx.video[:3], cache_dir=d, progress=False)


V = lambda ctx: ctx.video
CUDA = torch.cuda.is_available()
CASES = [
    # load_video
    Case('load_video', 'float frames in 0-255', lambda c: load_video(V(c) * 255), '[0, 1]'),
    Case('load_video', 'NaN in the frames', lambda c: load_video(np.where(V(c) > 0.5, np.nan, V(c))), 'NaN'),
    Case('load_video', 'channels-first T x 3 x H x W', lambda c: load_video(V(c).transpose(0, 3, 1, 2)), 'channels-first'),
    Case('load_video', '5-D array', lambda c: load_video(V(c)[None]), 'shape'),
    Case('load_video', 'one colour image H x W x 3', lambda c: load_video(V(c)[0]), 'one colour image'),
    Case('load_video', 'int64 array', lambda c: load_video((V(c) * 255).astype(np.int64)), 'dtype'),
    Case('load_video', 'bool array', lambda c: load_video(V(c) > 0.5), 'dtype'),
    Case('load_video', 'empty list', lambda c: load_video([]), 'empty'),
    Case('load_video', 'frames of different sizes', lambda c: load_video([V(c)[0], V(c)[1][:20]]), 'different shapes'),
    Case('load_video', 'a single frame', lambda c: load_video(V(c)[:1]), 'at least 2 frames'),
    Case('load_video', 'missing file', lambda c: load_video(c.d / 'nope.mp4'), 'no such video'),
    Case('load_video', 'folder without images', lambda c: load_video(c.d / 'empty'), 'no images'),
    Case('load_video', 'unreadable frame in a folder', lambda c: load_video(c.d / 'brokenframe'), 'cannot read frame 00003.png'),
    Case('load_video', 'truncated mp4 (gives some frames)', lambda c: load_video(c.d / 'truncated.mp4'), 'of the 8 its container announces', 'warning'),
    Case('load_video', 'a text file named .mp4', lambda c: load_video(c.d / 'notes.mp4'), 'cannot read video'),
    Case('load_video', 'max_frames=0', lambda c: load_video(V(c), max_frames=0), 'max_frames'),
    Case('load_video', 'stride=-1 (would reverse the clip)', lambda c: load_video(V(c), stride=-1), 'stride'),
    Case('load_video', 'not a video at all (42)', lambda c: load_video(42), 'cannot load'),
    Case('load_video', 'folder 1.png, 2.png, 10.png', lambda c: load_video(c.d / 'numbered'), 'read in the order 1, 2, 10', 'result',
         lambda v: np.allclose(v[:, 0, 0, 0] * 255, [1, 2, 10], atol=0.01)),
    # OmniMotion(...)
    Case('OmniMotion', 'float32 video in 0-255', lambda c: OmniMotion(V(c) * 255, preset='tiny'), '[0, 1]'),
    Case('OmniMotion', 'float32 video with NaN', lambda c: OmniMotion(np.where(V(c) > 0.5, np.nan, V(c)).astype(np.float32), preset='tiny'), 'NaN'),
    Case('OmniMotion', 'float32 channels-first video', lambda c: OmniMotion(np.ascontiguousarray(V(c).transpose(0, 3, 1, 2)), preset='tiny'), 'T x H x W x 3'),
    Case('OmniMotion', 'unknown preset', lambda c: OmniMotion(V(c), preset='huge'), 'unknown preset'),
    Case('OmniMotion', 'misspelt setting', lambda c: OmniMotion(V(c), preset='tiny', n_sample=3), 'unknown settings'),
    Case('OmniMotion', 'roundtrip_px=0', lambda c: OmniMotion(V(c), preset='tiny', roundtrip_px=0.0), 'roundtrip_px'),
    Case('OmniMotion', 'steps=0 setting', lambda c: c.om(steps=0), 'setting steps'),
    Case('OmniMotion', 'negative learning rate', lambda c: c.om(lr_deform=-1e-3), 'learning rate'),
    Case('OmniMotion', 'fractional count n_samples=2.5', lambda c: c.om(n_samples=2.5), 'whole number'),
    Case('OmniMotion', "amp='yes'", lambda c: c.om(amp='yes'), 'True or False'),
    Case('OmniMotion', 'far <= near', lambda c: c.om(near=2.0, far=1.0), 'greater than near'),
    Case('OmniMotion', 'hard_fraction=1.5', lambda c: c.om(hard_fraction=1.5), '[0, 1]'),
    Case('OmniMotion', 'numpy seed np.int64(2)', lambda c: OmniMotion(V(c), preset='tiny', seed=np.int64(2)), 'Python int'),
    Case('OmniMotion', 'negative seed', lambda c: OmniMotion(V(c), preset='tiny', seed=-1), 'seed'),
    Case('OmniMotion', 'flows of another video', lambda c: OmniMotion(V(c)[:, :40], preset='tiny', flows=c.flows), 'PairFlows'),
    Case('OmniMotion', 'flow_cache naming a file', lambda c: OmniMotion(V(c), preset='tiny', flow_cache=c.d / 'afile'), 'is a file'),
    *([] if CUDA else [Case('OmniMotion', "device='cuda' without CUDA", lambda c: OmniMotion(V(c), preset='tiny', device='cuda'), 'CUDA is not available')]),
    # fit
    Case('fit', 'steps=-1', lambda c: c.om().fit(-1, progress=False), 'steps must be'),
    Case('fit', 'steps=0 (must not train the preset)', lambda c: c.om().fit(0, progress=False), 'no training', 'result', lambda m: m.step == 0),
    Case('fit', "resume='maybe'", lambda c: c.om().fit(1, resume='maybe', progress=False), 'resume must be'),
    Case('fit', 'callback that is not callable', lambda c: c.om().fit(1, callback=5, progress=False), 'callable'),
    Case('fit', 'checkpoint carrying code', lambda c: c.om().fit(10, checkpoint_dir=c.d / 'evil_ck', progress=False), 'refused'),
    Case('fit', 'corrupt checkpoint', lambda c: c.om().fit(10, checkpoint_dir=c.d / 'corrupt_ck', progress=False), 'not a readable'),
    Case('fit', 'checkpoint made with other settings', _changed_settings, "other settings (was, now: {'lr_color'"),
    Case('fit', 'learning rate 30 (a blow-up)', _blow_up, 'Lower the learning rates', check=_blown_up_model_is_good),
    # OmniMotion.load
    Case('OmniMotion.load', 'model file carrying code', lambda c: OmniMotion.load(c.d / 'evil.pt'), 'refused'),
    Case('OmniMotion.load', 'missing file', lambda c: OmniMotion.load(c.d / 'nope.pt'), 'no such'),
    Case('OmniMotion.load', 'corrupt file', lambda c: OmniMotion.load(c.d / 'corrupt.pt'), 'not a readable'),
    # track / track_dense
    Case('track', 'query outside the frame', lambda c: c.model.track([[0, 500, 5]]), 'outside'),
    Case('track', 'query with NaN', lambda c: c.model.track([[0, np.nan, 5]]), 'NaN'),
    Case('track', 'queries of strings', lambda c: c.model.track([['a', 'b', 'c']]), 'numbers'),
    Case('track', 'one query as a flat list', lambda c: c.model.track([0, 5, 5]), 'N x 3'),
    Case('track', 'query frame 2.5', lambda c: c.model.track([[2.5, 5, 5]]), 'query frames'),
    Case('track', 'chunk=0', lambda c: c.model.track(c.q, chunk=0), 'chunk'),
    Case('track', "occlusion='bogus'", lambda c: c.model.track(c.q, occlusion='bogus'), 'occlusion must be'),
    Case('track', 'occlusion_threshold=2', lambda c: c.model.track(c.q, occlusion_threshold=2), 'occlusion_threshold'),
    Case('track', 'snap_px=-1', lambda c: c.model.track(c.q, snap_px=-1), 'snap_px'),
    Case('track', 'carry_half_life=-1', lambda c: c.model.track(c.q, carry_half_life=-1), 'carry_half_life'),
    Case('track', 'an untrained model', lambda c: OmniMotion(V(c), preset='tiny').track(c.q), 'untrained', 'warning'),
    Case('track_dense', 'stride=0', lambda c: c.model.track_dense(stride=0), 'stride'),
    Case('track_dense', 'frame 99 of 8', lambda c: c.model.track_dense(t=99), 'outside'),
    # tapvid_metrics
    Case('tapvid_metrics', 'NaN in the predictions', lambda c: _metrics(c, pred=lambda t: t * np.nan), 'NaN'),
    Case('tapvid_metrics', 'tracks T x N x 2 (transposed)', lambda c: _metrics(c, pred=lambda t: t.transpose(1, 0, 2)), 'shape'),
    Case('tapvid_metrics', 'occlusion as probabilities', lambda c: _metrics(c, occ=lambda o: o * 0.3 + 0.2), 'bool'),
    Case('tapvid_metrics', 'no tracks at all', lambda c: tapvid_metrics(np.zeros((0, 3)), np.zeros((0, 8, 2)), np.zeros((0, 8), bool),
                                                                          np.zeros((0, 8, 2)), np.zeros((0, 8), bool)), 'nothing to score'),
    Case('tapvid_metrics', 'query frame beyond the clip', lambda c: _metrics(c, queries=lambda q: q + [[100, 0, 0]]), 'query frames'),
    Case('tapvid_metrics', "query_mode='all'", lambda c: _metrics(c, query_mode='all'), 'query_mode'),
    # evaluate_folder
    Case('evaluate_folder', 'missing folder', lambda c: evaluate_folder(c.d / 'nowhere', progress=False), 'no such data folder'),
    Case('evaluate_folder', "videos='12' (a string)", lambda c: evaluate_folder(c.d / 'davis12', videos='12', progress=False), 'videos must be a list'),
    Case('evaluate_folder', 'annotation pickle carrying code', lambda c: evaluate_folder(c.d / 'davis_evil', progress=False), 'refused'),
    Case('evaluate_folder', 'two annotation pickles', lambda c: evaluate_folder(c.d / 'davis_two', progress=False), 'exactly one'),
    # TAP-Vid pickles
    Case('load_tapvid_pickle', 'pickle carrying code', lambda c: load_tapvid_pickle(c.d / 'evil.pkl'), 'refused'),
    Case('load_davis32', 'annotation pickle carrying code', lambda c: load_davis32(c.d / 'davis_evil'), 'refused'),
    Case('load_tapvid_pickle', 'not a pickle', lambda c: load_tapvid_pickle(c.d / 'notpickle.pkl'), 'not a readable pickle'),
    Case('load_tapvid_pickle', 'videos without points', lambda c: load_tapvid_pickle(c.d / 'nokeys.pkl'), 'lacks the keys'),
    # widgets
    Case('TrackViewer', 'float video in 0-255', lambda c: TrackViewer(V(c) * 255), '[0, 1]'),
    Case('TrackViewer', 'tracks of another length', lambda c: TrackViewer(V(c), {'m': (np.zeros((3, 5, 2)), np.zeros((3, 5), bool))}), 'tracks must be'),
    Case('TrackViewer', 'ground truth of the wrong shape', lambda c: TrackViewer(V(c), gt=(np.zeros((3, 8)), np.zeros((3, 8), bool))), 'gt must be'),
    Case('CanonicalViewer', 'NaN points', lambda c: CanonicalViewer(np.full((4, 3), np.nan), np.zeros((4, 3))), 'NaN'),
    # the flow cache
    Case('compute_pair_flows', 'corrupt flow cache file', _corrupt_flow_cache, 'recomputing', 'warning'),
    # the command line
    Case('omnimotion-nb track', '--out naming a file', lambda c: cli(c, 'track', str(c.clip), '--out', str(c.d / 'afile'), '--method', 'still'), 'is a file', 'cli'),
    Case('omnimotion-nb track', '--out inside a file (cannot be created)', lambda c: cli(c, 'track', str(c.clip), '--out', str(c.d / 'afile' / 'o'), '--method', 'still'),
         'cannot create the output folder', 'cli'),
    Case('omnimotion-nb track', 'corrupt checkpoints/last.pt in --out',
         lambda c: cli(c, 'track', str(c.clip), '--out', str(c.d / 'out_bad'), '--preset', 'tiny', '--steps', '2', '--quiet'), 'not a readable', 'cli'),
    *([] if CUDA else [Case('omnimotion-nb track', '--device cuda without CUDA',
                            lambda c: cli(c, 'track', str(c.clip), '--out', str(c.d / 'o'), '--device', 'cuda', '--quiet'), 'CUDA is not available', 'cli')]),
    Case('omnimotion-nb track', 'missing video', lambda c: cli(c, 'track', str(c.d / 'nope.mp4'), '--out', str(c.d / 'o')), 'no such video', 'cli'),
    Case('omnimotion-nb track', 'queries outside the frame', lambda c: cli(c, 'track', str(c.clip), '--out', str(c.d / 'o'), '--method', 'still', '--queries', str(c.d / 'far.npy')),
         'outside', 'cli'),
    Case('omnimotion-nb track', ".npz of queries without 'queries'", lambda c: cli(c, 'track', str(c.clip), '--out', str(c.d / 'o'), '--method', 'still', '--queries', str(c.d / 'nokey.npz')),
         "no array 'queries'", 'cli'),
    Case('omnimotion-nb track', 'corrupt .npy of queries', lambda c: cli(c, 'track', str(c.clip), '--out', str(c.d / 'o'), '--method', 'still', '--queries', str(c.d / 'broken.npy')),
         'cannot read queries', 'cli'),
    Case('omnimotion-nb track', '--steps 0 (an untrained model)', lambda c: cli(c, 'track', str(c.clip), '--out', str(c.d / 'o'), '--preset', 'tiny', '--steps', '0', '--quiet'), 'untrained', 'cli'),
    Case('omnimotion-nb track', '--steps -3', lambda c: cli(c, 'track', str(c.clip), '--out', str(c.d / 'o'), '--steps', '-3', '--quiet'), 'whole number >= 1', 'cli'),
    Case('omnimotion-nb track', '--grid 0', lambda c: cli(c, 'track', str(c.clip), '--out', str(c.d / 'o'), '--method', 'still', '--grid', '0'), 'n must be at least 1', 'cli'),
    Case('omnimotion-nb track', '--query-frame 99', lambda c: cli(c, 'track', str(c.clip), '--out', str(c.d / 'o'), '--method', 'still', '--query-frame', '99'), 'outside', 'cli'),
    Case('omnimotion-nb track', '--max-frames -1', lambda c: cli(c, 'track', str(c.clip), '--out', str(c.d / 'o'), '--method', 'still', '--max-frames', '-1'), 'max_frames', 'cli'),
    Case('omnimotion-nb track', 'same --out, other settings (--seed 1)', _cli_changed_settings, "other settings (was, now: {'seed': (0, 1)})", 'cli'),
    Case('omnimotion-nb track', '--preset huge', lambda c: cli(c, 'track', str(c.clip), '--out', str(c.d / 'o'), '--preset', 'huge', '--quiet'), 'unknown preset', 'cli'),
    Case('omnimotion-nb evaluate', 'missing folder', lambda c: cli(c, 'evaluate', str(c.d / 'nowhere')), 'no such data folder', 'cli'),
    Case('omnimotion-nb evaluate', 'annotation pickle carrying code', lambda c: cli(c, 'evaluate', str(c.d / 'davis_evil'), '--method', 'still', '--quiet'), 'refused', 'cli'),
]


def _metrics(c, pred=lambda t: t, occ=lambda o: o, queries=lambda q: q, query_mode='first'):
    "tapvid_metrics on the scene's truth, with one argument spoiled."
    s = c.scene
    return tapvid_metrics(queries(s.queries), s.tracks, s.occluded, pred(s.tracks.copy()), occ(s.occluded.copy()), query_mode=query_mode, size=(48, 64))


def attempt(case: Case, ctx: Ctx):
    "('clear' | 'silent' | 'unclear' | 'code ran', what the user saw) for one case."
    for f in ctx.d.glob('ran_*'): f.unlink()          # a payload's marker: present after the case only if its code ran
    outcome, seen = _outcome(case, ctx)
    ran = sorted(f.name for f in ctx.d.glob('ran_*'))
    return ('code ran', f"the file's code ran ({ran}); the user saw: {seen}") if ran else (outcome, seen)


def _outcome(case: Case, ctx: Ctx):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        try: result = case.run(ctx)
        except CLEAR_ERRORS as e:
            msg = ' '.join(str(e).split())
            ok = case.kind == 'error' and case.expect in msg and (case.check is None or case.check(ctx))
            return ('clear' if ok else 'unclear'), f"{type(e).__name__}: {msg}"
        except Exception as e:
            return 'unclear', f"{type(e).__name__} (traceback): {' '.join(str(e).split())[:200]}"
    said = [' '.join(str(w.message).split()) for w in caught if issubclass(w.category, UserWarning)]
    if case.kind == 'cli':
        code, err = result
        if code == 0: return 'silent', 'exit 0'
        ok = code == 2 and case.expect in err and len(err.strip().splitlines()) == 1
        return ('clear' if ok else 'unclear'), f"exit {code}: {' '.join(err.split())}"
    if case.kind == 'warning':
        hit = [w for w in said if case.expect in w]
        return ('clear', f"warning: {hit[0]}") if hit else ('silent', 'no warning')
    if case.kind == 'result':
        return ('clear', case.expect) if case.check(result) else ('silent', 'wrong result, no error')
    return 'silent', 'accepted' + (f" (warnings: {said})" if said else '')


def test_numpy_settings_are_stored_as_python_numbers(ctx):
    m = ctx.om(lr_color=np.float32(1e-3), n_points=np.int64(16))
    back = OmniMotion.load(m.save(ctx.d / 'numpy_settings.pt'))       # weights_only would refuse numpy scalars
    assert type(back.config['lr_color']) is float and back.config['n_points'] == 16


def test_cli_resume_force_continues_a_checkpoint_of_other_settings(ctx):
    args = ['track', str(ctx.clip), '--out', str(ctx.d / 'out_force'), '--preset', 'tiny', '--steps', '2', '--quiet']
    assert cli(ctx, *args)[0] == 0
    first = OmniMotion.load(ctx.d / 'out_force' / 'model.pt').history
    assert cli(ctx, *args, '--seed', '1')[0] == 2
    assert cli(ctx, *args, '--seed', '1', '--steps', '4', '--resume', 'force') == (0, '')
    forced = OmniMotion.load(ctx.d / 'out_force' / 'model.pt')
    assert forced.step == 4 and forced.config['seed'] == 1 and forced.history[:2] == first   # continued the first run


@pytest.fixture(scope='module')
def ctx(tmp_path_factory):
    return Ctx(tmp_path_factory.mktemp('bad_input'))


@pytest.mark.parametrize('case', CASES, ids=[f"{c.where}: {c.what}" for c in CASES])
def test_bad_input(case, ctx):
    outcome, seen = attempt(case, ctx)
    assert outcome == 'clear', seen


if __name__ == '__main__':      # the table and the count, for bench/BAD_INPUT.md and nbs/14_bad_input.ipynb
    with tempfile.TemporaryDirectory() as d:
        c = Ctx(Path(d))
        rows = [(case, *attempt(case, c)) for case in CASES]
    print("| entry point | bad input | outcome | what the user sees |\n|---|---|---|---|")
    for case, outcome, seen in rows:
        print(f"| `{case.where}` | {case.what} | {outcome} | {seen.replace('|', '/')[:240]} |")
    n = {k: sum(o == k for _, o, _ in rows) for k in ('clear', 'silent', 'unclear', 'code ran')}
    print(f"\n{len(rows)} bad inputs tried: {n['clear']} clear errors (or warnings, or the right result), "
          f"{n['silent']} silent acceptances, {n['unclear']} unclear errors or tracebacks, {n['code ran']} files whose code ran")


# ---- property-based: whatever comes in, the answer is a valid result or a ValueError that says why ----
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
DTYPES = st.sampled_from([np.uint8, np.uint16, np.float16, np.float32, np.float64, np.int32, np.bool_])


@FAST
@given(hnp.arrays(DTYPES, hnp.array_shapes(min_dims=1, max_dims=5, min_side=0, max_side=6)))
def test_load_video_gives_a_video_or_a_value_error(a):
    try: v = load_video(a)
    except ValueError: return
    assert v.dtype == np.float32 and v.ndim == 4 and v.shape[-1] == 3 and len(v) >= 2
    assert np.isfinite(v).all() and v.min() >= 0 and v.max() <= 1


@FAST
@given(hnp.arrays(np.uint8, st.tuples(st.integers(2, 5), st.integers(1, 7), st.integers(5, 9), st.just(3))))
def test_load_video_reads_every_uint8_video_exactly(a):
    np.testing.assert_array_equal(np.round(load_video(a) * 255).astype(np.uint8), a)


@FAST
@given(hnp.arrays(st.sampled_from([np.float64, np.float32, np.int64]), hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5)),
       st.tuples(st.integers(1, 10), st.integers(1, 40), st.integers(1, 40)))
def test_check_queries_returns_valid_queries_or_a_value_error(q, shape):
    try: out = check_queries(q, shape)
    except ValueError: return
    T, H, W = shape
    assert out.dtype == np.float32 and out.ndim == 2 and out.shape[1] == 3
    if len(out):
        t, x, y = out.T
        assert np.isfinite(out).all() and (t == np.round(t)).all() and t.min() >= 0 and t.max() <= T - 1
        assert x.min() >= -0.5 and x.max() <= W - 0.5 and y.min() >= -0.5 and y.max() <= H - 0.5


@FAST
@given(st.integers(1, 10), st.integers(1, 40), st.integers(1, 40), st.data())
def test_check_queries_accepts_every_query_inside_the_video(T, H, W, data):
    n = data.draw(st.integers(1, 6))
    t = data.draw(hnp.arrays(np.int64, n, elements=st.integers(0, T - 1)))
    x = data.draw(hnp.arrays(np.float64, n, elements=st.floats(-0.5, W - 0.5)))
    y = data.draw(hnp.arrays(np.float64, n, elements=st.floats(-0.5, H - 0.5)))
    q = np.stack([t, x, y], 1)
    np.testing.assert_array_equal(check_queries(q, (T, H, W, 3)), q.astype(np.float32))


@FAST
@given(st.integers(1, 6), st.integers(2, 8), st.sampled_from(['first', 'strided']), st.data())
def test_tapvid_metrics_are_fractions_and_perfect_tracks_score_one(N, T, mode, data):
    coords = lambda: hnp.arrays(np.float64, (N, T, 2), elements=st.floats(-10, 300))
    gt, pred = data.draw(coords()), data.draw(coords())
    go, po = data.draw(hnp.arrays(bool, (N, T))), data.draw(hnp.arrays(bool, (N, T)))
    qt = data.draw(hnp.arrays(np.int64, N, elements=st.integers(0, T - 1)))
    q = np.concatenate([qt[:, None], gt[np.arange(N), qt]], 1)
    m = tapvid_metrics(q, gt, go, pred, po, mode)
    for k in ('AJ', 'delta_avg', 'OA'): assert np.isnan(m[k]) or 0 <= m[k] <= 1, (k, m[k])
    if not np.isnan(m['AJ']) and not np.isnan(m['delta_avg']): assert m['AJ'] <= m['delta_avg'] + 1e-12
    best = tapvid_metrics(q, gt, go, gt, go, mode)
    assert np.isnan(best['OA']) or best['OA'] == 1
    assert np.isnan(best['AJ']) or best['AJ'] == 1


@FAST
@given(*[hnp.arrays(st.sampled_from([np.float64, np.int64, np.bool_]), hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=4))
         for _ in range(5)])
def test_tapvid_metrics_refuses_inconsistent_inputs_with_a_value_error(q, gt, go, pr, po):
    try: m = tapvid_metrics(q, gt, go, pr, po)
    except ValueError: return
    assert set(m) >= {'AJ', 'delta_avg', 'OA'}
