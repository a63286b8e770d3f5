"""Command line: python -m mlj_export {bundle,train,fixtures,samples} ... (see --help)."""

import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from mlj_export.cli import main  # noqa: E402  (TensorFlow reads the log level on import)

sys.exit(main())
