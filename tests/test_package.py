"Project-level checks: the package imports, and its nbdev configuration is the nbdev 3 kind."
import tomllib
from pathlib import Path

import omnimotion_nb

ROOT = Path(__file__).resolve().parents[1]


def test_version_is_set():
    assert isinstance(omnimotion_nb.__version__, str) and omnimotion_nb.__version__.count(".") == 2


def test_nbdev3_config_in_pyproject():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "nbdev" in cfg["tool"], "nbdev 3 keeps its settings under [tool.nbdev]"
    assert not (ROOT / "settings.ini").exists(), "nbdev 3 refuses a settings.ini"
    assert (ROOT / "nbs" / "_quarto.yml").exists() and (ROOT / "nbs" / "index.ipynb").exists()


def test_readme_has_test_command_that_ci_runs():
    readme = (ROOT / "README.md").read_text()
    assert "<!-- test-command -->" in readme
    assert "nbdev-test" in readme and "pytest" in readme
