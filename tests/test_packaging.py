"""What `pip install symdistill` builds: the wheel and the sdist hold what the package and its tests read.

Each test builds from a copy of the source tree with setuptools' build backend, in a fresh interpreter
where setuptools' deprecation warnings are errors: a setting setuptools has announced it will refuse
breaks the build here first, not for users on the day the refusal ships.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import symdistill

ROOT = Path(__file__).resolve().parents[1]
# What the build never reads (.gitignore's entries, and a virtual environment `make` leaves here).
IGNORED = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
                                 ".hypothesis", "tmp", "*.tmp", "*.o", "*.so")

_BUILD = """
import sys, warnings
from setuptools.warnings import SetuptoolsDeprecationWarning
warnings.simplefilter("error", SetuptoolsDeprecationWarning)
import setuptools.build_meta as backend
print(getattr(backend, "build_" + sys.argv[1])(sys.argv[2]))
"""


def _files(folder: Path) -> set[str]:
    return {p.relative_to(ROOT).as_posix() for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and not p.name.endswith((".pyc", ".tmp"))}


def _build(kind: str, tmp_path: Path) -> Path:
    pytest.importorskip("setuptools.warnings")
    tree = tmp_path / "tree"
    shutil.copytree(ROOT, tree, ignore=IGNORED)
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run([sys.executable, "-c", _BUILD, kind, str(out)], cwd=tree, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return out / done.stdout.strip().splitlines()[-1]


def test_the_wheel_holds_every_file_of_the_package_and_builds_without_deprecated_settings(tmp_path):
    """``project.license`` was a TOML table, which setuptools deprecates ('By 2027-Feb-18, you need to
    update your project ... or your builds will no longer be supported'): every ``pip install`` printed
    the warning, and an install from source would fail once setuptools drops it. The wheel must also
    hold every file under src/symdistill, read at run time (the JSON schema, py.typed) or imported."""
    wheel = _build("wheel", tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"symdistill-{symdistill.__version__}.dist-info/METADATA").decode()
    assert {name.removeprefix("src/") for name in _files(ROOT / "src" / "symdistill")} <= names
    assert f"\nVersion: {symdistill.__version__}\n" in metadata
    assert "\nLicense-Expression: MIT\n" in metadata
    assert f"symdistill-{symdistill.__version__}.dist-info/licenses/LICENSE" in names  # the MIT text it names


def test_the_sdist_holds_the_tests_and_what_they_read(tmp_path):
    """The sdist took tests/test_*.py (setuptools' default) but not conftest.py or the _*_support.py
    helpers they import, nor bench/ that test_bench_scripts runs: its tests could not even be collected."""
    sdist = _build("sdist", tmp_path)
    with tarfile.open(sdist) as archive:
        names = {name.partition("/")[2] for name in archive.getnames()}
    for folder in ("src", "tests", "bench"):
        missing = _files(ROOT / folder) - names
        assert not missing, f"the sdist lacks {sorted(missing)}"


def _installing_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text[text.index("### Installing: the core and the extras"):text.index("\n## Teachers")]


def test_the_readme_names_the_core_dependencies_and_the_extras_pyproject_declares():
    """README's *Installing* said the core "needs only NumPy, SciPy and scikit-learn", but pyproject
    also installs tqdm and joblib. Every core dependency is named there, and the extras it lists are
    pyproject's user-facing ones (test, bench and all are for developers)."""
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    section = _installing_section()
    core = section[:section.index("Optional backends")].lower()
    for requirement in project["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement).group()
        assert name.lower() in core, f"README's Installing does not name the core dependency {name}"
    listed = re.findall(r"^- `([a-z]+)`:", section, flags=re.MULTILINE)
    assert sorted(listed) == sorted(set(project["optional-dependencies"]) - {"test", "bench", "all"})
    assert f"symdistill[{','.join(listed)}]" in section


def _system_deps(tmp_path: Path, present: tuple[str, ...], apt_installs: tuple[str, ...]):
    """``make system-deps`` as root on a PATH holding only ``present`` (and ``id``), with an apt-get that
    records its arguments and puts the commands ``apt_installs`` on that PATH."""
    make = shutil.which("make")
    if make is None or not (ROOT / "Makefile").exists():
        pytest.skip("make or the Makefile is not here (the sdist has no Makefile)")
    bin_ = tmp_path / "bin"
    bin_.mkdir()

    def script(name: str, body: str) -> None:
        (bin_ / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_ / name).chmod(0o755)

    for name in present:
        script(name, "exit 0")
    script("id", "echo 0")
    installs = "".join(f"printf '#!/bin/sh\\n' > {bin_}/{name}; {shutil.which('chmod')} +x {bin_}/{name}; " for name in apt_installs)
    script("apt-get", f'echo "$@" >> {tmp_path}/apt.log; case "$1" in install) {installs};; esac; exit 0')
    done = subprocess.run([make, "--no-print-directory", "-C", str(ROOT), "system-deps"], capture_output=True,
                          text=True, env={"PATH": str(bin_)}, timeout=60)
    log = tmp_path / "apt.log"
    return done, log.read_text() if log.exists() else ""


def test_make_system_deps_takes_the_chromium_the_tests_run(tmp_path):
    """The end-to-end report tests run Chromium as ``chromium``, ``chromium-browser`` or ``google-chrome``;
    ``make system-deps`` looked for ``chromium`` only and, as root, asked apt-get for a ``chromium``
    package where Ubuntu's ``chromium-browser`` was already there (a package Ubuntu does not have)."""
    done, apt = _system_deps(tmp_path, ("gcc", "g++", "swipl", "chromium-browser"), ())
    assert done.returncode == 0, done.stderr
    assert apt == ""


def test_make_system_deps_fails_when_apt_get_leaves_a_tool_missing(tmp_path):
    """apt-get exiting 0 without putting a tool on PATH left `make test` to skip its tests with no error."""
    done, apt = _system_deps(tmp_path, ("gcc",), ("chromium",))
    assert "install" in apt and "swi-prolog-nox" in apt and "g++" in apt  # g++ links exported C from C++
    assert done.returncode != 0
    assert "error: swipl is still not on PATH after apt-get installed swi-prolog-nox" in done.stderr
