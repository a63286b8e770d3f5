"""Atomic directory writes: build into a temporary sibling, then swap it in."""

import contextlib
import os
import shutil
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_directory(out_dir):
    """Yield a fresh temporary directory next to `out_dir`; on success it becomes `out_dir`.

    An existing `out_dir` is replaced only after the body finished without an exception; on an
    exception the temporary directory is removed and `out_dir` is left as it was.
    """
    out_dir = Path(out_dir).absolute()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-", dir=out_dir.parent))
    try:
        yield work
        os.chmod(work, 0o755)
        if out_dir.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            os.rename(out_dir, old / out_dir.name)
            os.rename(work, out_dir)
            shutil.rmtree(old)
        else:
            os.rename(work, out_dir)
    finally:
        if work.exists():
            shutil.rmtree(work)
