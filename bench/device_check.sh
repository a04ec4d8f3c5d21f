#!/usr/bin/env bash
# The GPU check, in one run of a few minutes (issue 20): the training-step benchmark on the GPU, then one
# TAP-Vid-DAVIS-32 clip end to end (flows, fit, tracking, scores) with the `gpu` preset. Figures go to $OUT
# (default bench/out/device): device_check.txt (human-readable) and the JSON files it quotes.
#
# On the device machine (the repo's root; ../shared does not travel, so carry one clip):
#   here, once:  mkdir -p .device_data && cp -r ../shared/data/tapvid_davis32/tapvid_davis32_dev.pkl .device_data/ &&
#                mkdir -p .device_data/frames && cp -r ../shared/data/tapvid_davis32/frames/0 .device_data/frames/ &&
#                echo /.device_data/ >> .git/info/exclude
#   run:         DAVIS=.device_data bash bench/device_check.sh      (carry: [".device_data"], timeout_s 600)
# The fit's steps are capped so that it takes about FIT_SECONDS (default 300) at the measured speed; the
# summary says how many ran. Needs torch with CUDA, numpy, opencv, imageio, scikit-image, tqdm (the notebook
# stack — ipywidgets, plotly — is not needed).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-bench/out/device}; DAVIS=${DAVIS:-../shared/data/tapvid_davis32}; VIDEO=${VIDEO:-0}
FIT_SECONDS=${FIT_SECONDS:-300}; DEVICE=${DEVICE:-cuda}   # DEVICE=cpu: a dry run of the script itself
mkdir -p "$OUT"; export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1
summary="$OUT/device_check.txt"
{ echo "# bench/device_check.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || echo "no nvidia-smi"
  python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else '')"
} | tee "$summary"

echo "== 1. training step, cpu and gpu presets, on $DEVICE" | tee -a "$summary"
STEP_STEPS=${STEP_STEPS:-20}
python3 bench/train_step.py --device "$DEVICE" --presets cpu,gpu --steps "$STEP_STEPS" --no-reference --json "$OUT/train_step.jsonl" | tee -a "$summary"

echo "== 2. one DAVIS-32 clip (video $VIDEO), gpu preset, end to end" | tee -a "$summary"
python3 - "$OUT" "$DAVIS" "$VIDEO" "$FIT_SECONDS" "$DEVICE" <<'PY' | tee -a "$summary"
import json, sys, time
from pathlib import Path
import numpy as np, torch
from omnimotion_nb.tapvid import load_davis32, scale_coords
from omnimotion_nb.data import resize_video
from omnimotion_nb.train import OmniMotion, PRESETS
from omnimotion_nb.metrics import tapvid_metrics
from omnimotion_nb.evaluate import track_at_size, make_tracker
out, root, idx, budget, device = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
rows = [json.loads(l) for l in (out / 'train_step.jsonl').read_text().splitlines()]
ms = next(r['ms_per_step'] for r in rows if r['preset'] == 'gpu')
steps = max(1, int(min(PRESETS['gpu']['steps'], budget * 1000 / ms)))
v = load_davis32(root, videos=[idx])[0]
small = resize_video(v.frames, 256)
q = v.queries.astype(np.float32).copy(); q[:, 1:] = scale_coords(q[:, 1:], v.frames.shape[1:3], small.shape[1:3])
score = lambda tr, oc: {k: round(float(x), 4) for k, x in tapvid_metrics(v.queries, v.gt_tracks, v.gt_occluded, tr, oc,
                        query_mode='strided', size=v.frames.shape[1:3]).items() if k in ('AJ', 'delta_avg', 'OA', 'TC')}
t0 = time.time()
m = OmniMotion(small, preset='gpu', steps=steps, device=device); m._prepare_flows(progress=False); t1 = time.time()
m.fit(progress=False)
if device == 'cuda': torch.cuda.synchronize()
t2 = time.time()
tr, oc = m.track(q); t3 = time.time()
res = dict(video=idx, preset='gpu', device=str(m.device), steps=steps, ms_per_step=round(ms, 1), seconds_flows=round(t1 - t0, 1),
           seconds_fit=round(t2 - t1, 1), seconds_track=round(t3 - t2, 1), omnimotion=score(scale_coords(tr, small.shape[1:3], v.frames.shape[1:3]), oc),
           chained_flow=score(*track_at_size(make_tracker('chained-flow'), v.frames, v.queries, 256)))
(out / 'davis_one_clip.json').write_text(json.dumps(res, indent=1)); print(json.dumps(res))
PY
echo "== done: $summary" | tee -a "$summary"
