"""One real-browser test of `TrackViewer`: JupyterLab (headless, loopback) + Chromium through Playwright.

It opens `widgets_browser.ipynb`, runs all its cells from the Run menu, drags the frame slider, clicks a pixel of
the frame, and checks -- against the synthetic scene's true tracks, computed here too -- that the figure drawn in
the page shows the new frame and a new clicked track. It saves a screenshot of the widget to `screenshot.png`.

Needs Debian's `chromium` (/usr/bin/chromium) and pip's `playwright` (no `playwright install`); without them the test
is skipped, unless OMNIMOTION_BROWSER_TEST=required (as in `.ci/run`), which turns the skip into a failure.
OMNIMOTION_BROWSER_TEST=skip skips it. The server, its kernel and the browser are always stopped at the end.
"""
import json, os, re, secrets, shutil, signal, socket, subprocess, sys, time, urllib.request
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent
NOTEBOOK = HERE / "widgets_browser.ipynb"
SCREENSHOT = HERE / "screenshot.png"
FAILED_SCREENSHOT = HERE / "screenshot-failed.png"
CHROMIUM = os.environ.get("OMNIMOTION_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
MODE = os.environ.get("OMNIMOTION_BROWSER_TEST", "").lower()   # 'required': missing tools fail; 'skip': skip
CLICK = (40.0, 30.0)                                            # the pixel (x, y) of the frame the test clicks


def _require(ok: bool, why: str):
    if ok: return
    if MODE == "required": pytest.fail(f"OMNIMOTION_BROWSER_TEST=required but {why}")
    pytest.skip(why)


# ---- processes: start the server in its own process group, and stop it and everything it started ----------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def _proc_table():
    "{pid: (ppid, start time)} of every process, from /proc."
    table = {}
    for d in os.listdir("/proc"):
        if not d.isdigit(): continue
        try: stat = Path(f"/proc/{d}/stat").read_text()
        except OSError: continue
        fields = stat[stat.rindex(")") + 2:].split()        # after "pid (comm) "
        table[int(d)] = (int(fields[1]), fields[19])          # ppid, starttime
    return table

def _descendants(pid: int):
    "[(pid, start time)] of every process below `pid` (kernels run in sessions of their own, not in its group)."
    table, out, todo = _proc_table(), [], [pid]
    while todo:
        p = todo.pop()
        for c, (pp, st) in table.items():
            if pp == p: out.append((c, st)); todo.append(c)
    return out

def _alive(pid: int, start=None) -> bool:
    info = _proc_table().get(pid)
    return info is not None and (start is None or info[1] == start)

def _stop_server(proc: subprocess.Popen, base: str, token: str):
    "Shut the kernels down through the API, then SIGTERM (later SIGKILL) the server's group and anything left below it."
    below = _descendants(proc.pid)
    try:
        with urllib.request.urlopen(f"{base}/api/kernels?token={token}", timeout=5) as r:
            for k in json.load(r):
                req = urllib.request.Request(f"{base}/api/kernels/{k['id']}?token={token}", method="DELETE")
                urllib.request.urlopen(req, timeout=10).close()
    except Exception: pass                                    # the signals below still stop everything
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        if proc.poll() is not None: break
        try: os.killpg(proc.pid, sig)
        except ProcessLookupError: break
        try: proc.wait(wait)
        except subprocess.TimeoutExpired: pass
    for sig in (signal.SIGTERM, signal.SIGKILL):
        left = [(p, st) for p, st in below if _alive(p, st)]
        for p, _ in left:
            try: os.kill(p, sig)
            except ProcessLookupError: pass
        t0 = time.time()
        while left and time.time() - t0 < 5:
            time.sleep(0.1); left = [(p, st) for p, st in left if _alive(p, st)]
    return [p for p, st in below if _alive(p, st)] + ([proc.pid] if proc.poll() is None else [])

def _start_server(root: Path, port: int, token: str):
    "JupyterLab on 127.0.0.1:port serving `root`, with its own (empty) user config, settings and workspaces."
    for d in ("config", "data", "runtime", "settings", "workspaces"): (root.parent / d).mkdir(exist_ok=True)
    notif = root.parent / "settings" / "@jupyterlab" / "apputils-extension"
    notif.mkdir(parents=True, exist_ok=True)                  # no "receive Jupyter news?" toast over the notebook
    (notif / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root.parent / "config"), JUPYTER_RUNTIME_DIR=str(root.parent / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(root.parent / "settings"), JUPYTERLAB_WORKSPACES_DIR=str(root.parent / "workspaces"),
               JUPYTER_PLATFORM_DIRS="1", MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    log = open(root.parent / "server.log", "w")
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--port-retries=0",
           f"--IdentityProvider.token={token}", f"--notebook-dir={root}", "--ServerApp.terminals_enabled=False",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly"]
    if os.geteuid() == 0: cmd.append("--allow-root")          # containers and CI often run as root
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    return proc, log

def _wait_for_server(proc, base, token, log_path, timeout=90):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {proc.returncode}:\n{Path(log_path).read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                if r.status == 200: return
        except Exception: time.sleep(0.5)
    raise TimeoutError(f"jupyter lab did not answer in {timeout} s:\n{Path(log_path).read_text()[-3000:]}")


# ---- what the page draws --------------------------------------------------------------------------------------------
FIGURE_STATE = """gd => {
  const arr = v => (v == null ? [] : Array.from(v, a => (a == null ? null : Number(a))));
  const traces = {};
  for (const t of gd._fullData) traces[t.name] = {n: (t.x || []).length,
      x: t.name === 'click-catcher' ? [] : arr(t.x), y: t.name === 'click-catcher' ? [] : arr(t.y)};
  const L = gd._fullLayout;
  return {title: L.title && L.title.text, image: (L.images && L.images.length) ? L.images[0].source : null, traces};
}"""

DATA_TO_PAGE = """(gd, [x, y]) => {
  const L = gd._fullLayout, r = gd.getBoundingClientRect();
  return [r.left + L.xaxis._offset + L.xaxis.l2p(x), r.top + L.yaxis._offset + L.yaxis.l2p(y)];
}"""


def _wait_until(fn, what, ok=bool, timeout=30.0, every=0.2):
    "Poll `fn` until `ok` holds for what it returns, and return that; fail with `what` and the last value after `timeout` s."
    t0 = time.time()
    while True:
        last = fn()
        if ok(last): return last
        if time.time() - t0 > timeout: break
        time.sleep(every)
    if isinstance(last, dict) and "traces" in last:            # a figure state: its title and trace sizes say enough
        last = dict(title=last["title"], points={k: v["n"] for k, v in last["traces"].items()})
    raise AssertionError(f"timed out after {timeout} s waiting for {what}; last seen: {last!r}")


def test_track_viewer_in_jupyterlab(tmp_path):
    _require(MODE != "skip", "OMNIMOTION_BROWSER_TEST=skip")
    _require(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    try: from playwright.sync_api import sync_playwright
    except ImportError: sync_playwright = None
    _require(sync_playwright is not None, "playwright is not installed (pip install playwright)")
    _require(_has_module("jupyterlab"), "jupyterlab is not installed")

    from omnimotion_nb.synthetic import make_scene                 # the notebook's scene, for the expected positions
    from omnimotion_nb.baselines import HomographyTracker
    scene = make_scene(n_frames=12, height=64, width=96, n_points=16)
    T = len(scene.video)

    root = tmp_path / "nb"; root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    port, token = _free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    proc, log = _start_server(root, port, token)
    page, problems, t_start = None, [], time.time()
    try:
        _wait_for_server(proc, base, token, tmp_path / "server.log")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS, timeout=60_000)
            try:
                page = browser.new_page(viewport={"width": 1100, "height": 900})
                page.set_default_timeout(60_000)
                page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
                page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
                page.goto(f"{base}/lab/tree/{NOTEBOOK.name}?reset&token={token}", wait_until="domcontentloaded")
                page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
                # Run > Run All Cells, from the menu bar, once the page is connected to an idle kernel (a run asked for
                # before that is dropped: then no prompt turns to [*], and the test asks once more)
                prompts = page.locator(".jp-NotebookPanel .jp-InputPrompt")
                for attempt in range(2):
                    page.locator(".jp-StatusBar-Widget", has_text=re.compile(r"\|\s*Idle")).first.wait_for(timeout=90_000)
                    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
                    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
                    try: _wait_until(prompts.all_inner_texts, "a cell to start running",
                                     lambda ps: any(re.search(r"\[[*0-9]", p) for p in ps), timeout=20)
                    except AssertionError:
                        if attempt: raise
                        problems.append("note: the first Run All Cells started nothing; asked again")
                    else: break
                page.locator(".jp-OutputArea-output", has_text="all cells ran").wait_for(timeout=120_000)
                errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
                assert not [e for e in errors.all_inner_texts() if "Traceback" in e or "Error" in e], errors.all_inner_texts()

                out = page.locator(".jp-Cell-outputArea", has=page.locator(".js-plotly-plot")).first
                gd = out.locator(".js-plotly-plot").first
                gd.wait_for(timeout=60_000)
                state = lambda: gd.evaluate(FIGURE_STATE)
                s0 = _wait_until(state, "the first frame and its points to be drawn",
                                 lambda s: s["image"] and s["traces"].get("truth", {}).get("n"))
                assert s0["title"] == f"frame 0 / {T - 1}", s0["title"]
                assert s0["image"].startswith("data:image/png;base64,")
                assert s0["traces"]["clicked"]["n"] == 0, "no point has been clicked yet"
                np.testing.assert_allclose(s0["traces"]["truth"]["x"], scene.tracks[:, 0, 0], atol=1e-3)

                # drag the frame slider's handle to about the middle of its track
                track = out.locator(".widget-slider .noUi-target").first
                handle = out.locator(".widget-slider .noUi-handle").first
                tb, hb = track.bounding_box(), handle.bounding_box()
                y = hb["y"] + hb["height"] / 2
                page.mouse.move(hb["x"] + hb["width"] / 2, y)
                page.mouse.down()
                page.mouse.move(tb["x"] + 0.55 * tb["width"], y, steps=8)
                page.mouse.up()
                readout = out.locator(".widget-slider .widget-readout").first
                t = int(_wait_until(lambda: readout.inner_text().strip(), "the slider's readout to leave 0",
                                    lambda r: r not in ("", "0")))
                assert 2 <= t <= T - 2, f"the slider went to frame {t}; the drag aimed at the middle of {T} frames"
                s1 = _wait_until(state, f"the figure to show frame {t}", lambda s: s["title"] == f"frame {t} / {T - 1}")
                assert s1["image"] != s0["image"], "the background image did not change with the frame"
                np.testing.assert_allclose(s1["traces"]["truth"]["x"], scene.tracks[:, t, 0], atol=1e-3)
                np.testing.assert_allclose(s1["traces"]["truth"]["y"], scene.tracks[:, t, 1], atol=1e-3)
                assert s1["traces"]["truth trail"]["n"] > s0["traces"]["truth trail"]["n"], "trails did not grow"

                # click a pixel of the frame: a query there, tracked by the notebook's tracker, drawn as a new track
                px, py = gd.evaluate(DATA_TO_PAGE, list(CLICK))
                page.mouse.move(px, py); time.sleep(0.3)               # plotly picks the clicked point on hover
                page.mouse.click(px, py)
                s2 = _wait_until(state, "a clicked track to appear", lambda s: s["traces"]["clicked"]["n"] == 1)
                status = out.locator(".widget-html").last.inner_text()
                assert f"1 clicked point(s); last at ({CLICK[0]:.0f}, {CLICK[1]:.0f}) in frame {t}" in status, status
                cx, cy = s2["traces"]["clicked"]["x"][0], s2["traces"]["clicked"]["y"][0]
                assert abs(cx - CLICK[0]) <= 1 and abs(cy - CLICK[1]) <= 1, (cx, cy)
                want = HomographyTracker(homographies=scene.homographies).track(scene.video, np.array([[t, cx, cy]]))[0][0]
                trail = np.array(s2["traces"]["clicked trail"]["x"][:-1], float)   # frames t-5..t, then a None
                np.testing.assert_allclose(trail, want[max(0, t - 5):t + 1, 0], atol=1e-3)
                assert s2["title"] == s1["title"] and s2["traces"]["truth"] == s1["traces"]["truth"]

                _save_small_png(out.screenshot(), SCREENSHOT)
                # uncaught errors in the page, or console errors from plotly or the widgets, fail the test too
                assert not [p for p in problems if p.startswith("page error") or re.search("plotly|widget", p, re.I)], problems
            except BaseException:
                if page is not None:
                    try: page.screenshot(path=str(FAILED_SCREENSHOT))
                    except Exception: pass
                raise
            finally:
                browser.close()
    finally:
        left = _stop_server(proc, base, token)
        log.close()
        print(f"browser test: {time.time() - t_start:.1f} s; browser console problems: {problems}")
    assert not left, f"processes still running after stopping the server: {left}"


def _save_small_png(png: bytes, path: Path):
    "Save a screenshot as a palette PNG (a third of the size; the picture is for people, not for comparisons)."
    import io
    from PIL import Image
    Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)


def _has_module(name):
    import importlib.util
    return importlib.util.find_spec(name) is not None
