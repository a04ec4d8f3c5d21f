"README.md and nbs/index.ipynb (the docs site's home page) give the same set-up commands."
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKERS = ('<!-- install-command -->', '<!-- test-command -->')


def command_after(marker: str, markdown: str) -> str:
    "The first line of the code block right after the line `marker` (as `.ci/run` reads the test command)."
    lines = markdown.splitlines()
    assert marker in lines, f"no line {marker!r}"
    i = lines.index(marker)
    assert lines[i + 1].startswith('```'), f"no code block right after {marker!r}"
    return lines[i + 2].strip()


def index_markdown() -> str:
    nb = json.loads((ROOT / 'nbs' / 'index.ipynb').read_text())
    return '\n'.join(''.join(c['source']) for c in nb['cells'] if c['cell_type'] == 'markdown')


def test_readme_commands_are_in_index_verbatim():
    readme, index = (ROOT / 'README.md').read_text(), index_markdown()
    for marker in MARKERS:
        cmd = command_after(marker, readme)
        assert cmd.startswith('pip install torch==2.13.0 && pip install -e '), cmd
        assert cmd == command_after(marker, index), f"nbs/index.ipynb's command after {marker} differs from the README's: {cmd!r}"
        assert cmd in [l.strip() for l in index.splitlines()], cmd


def test_command_after_reads_the_line_after_the_fence():
    md = "text\n<!-- test-command -->\n```bash\npytest -q\n```\n"
    assert command_after('<!-- test-command -->', md) == 'pytest -q'
    try: command_after('<!-- install-command -->', md)
    except AssertionError as e: assert 'no line' in str(e)
    else: raise AssertionError("a missing marker must fail")


def test_notebook_outputs_stay_under_2mb():
    "Pictures at a size that keeps the notebooks light (`tools/shrink_pngs.py` re-encodes PNG outputs)."
    nbs = sorted((ROOT / 'nbs').glob('*.ipynb')) + sorted((ROOT / 'nbs').glob('*/*.ipynb'))
    assert len(nbs) > 20, nbs
    size = {p.name: sum(len(json.dumps(o)) for c in json.loads(p.read_text())['cells'] for o in c.get('outputs', []))
            for p in nbs}
    assert sum(size.values()) < 2_000_000, sorted(size.items(), key=lambda kv: -kv[1])[:5]
