"""Create the virtualenv and install the project into it, once, even when run in parallel.

`make run` and `make test` both need the virtualenv; started at the same time on a fresh
clone, two `python -m venv` runs would rebuild it under each other's pip. An exclusive lock
on a file beside the virtualenv (released by the system if the holder dies) serialises them,
and each re-checks under the lock whether the work is already done.

Usage: python scripts/ensure_venv.py VENV STAMP [PIP-TARGET]   e.g.  .venv .installed -e .
"""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path


def main(venv: Path, stamp_name: str, target: list[str], project: Path) -> int:
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{venv}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        python = venv / "bin" / "python"
        if not _works(python):
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
            _run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        stamp = venv / stamp_name
        pyproject = project / "pyproject.toml"
        if not stamp.exists() or stamp.stat().st_mtime < pyproject.stat().st_mtime:
            _run(python, "-m", "pip", "install", "--quiet", *target)
            stamp.touch()
    return 0


def _works(python: Path) -> bool:
    """The virtualenv exists and its pip imports (a half-made one is made again)."""
    if not python.exists():
        return False
    return subprocess.run([python, "-c", "import pip"], capture_output=True).returncode == 0


def _run(python: Path, *args: str) -> None:
    subprocess.run([str(python), *args], check=True)


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1]), sys.argv[2], sys.argv[3:], Path.cwd()))
