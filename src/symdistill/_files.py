"""Writing an output file whole: the command line's outputs and a report's files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Callable


def write_whole(path: str | os.PathLike, write: Callable[[Path], Any]) -> None:
    """``write(Path(path))``, so that an error or Ctrl-C midway leaves no half-written file.

    A regular file (or a new one) is written under its own name in a hidden folder beside it, then moved
    over it, so an earlier file stays as it was; the name is kept (a ``.zip``'s member is named after it),
    and a link's target is written, the link kept. Anything else (``/dev/stdout``, a pipe) is written in
    place. OS errors (permissions, a full disk) are raised as they come."""
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        write(target)
        return
    folder = tempfile.mkdtemp(prefix=".symdistill-", dir=target.parent)
    part = Path(folder) / target.name
    try:
        write(part)
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
        os.rmdir(folder)
