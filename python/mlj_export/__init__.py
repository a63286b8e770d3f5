"""mlj_export: turns Keras 3 models into mlj bundles (see docs/bundle-format.md).

`mlj_export.bundle(model, out_dir, ...)` writes a bundle; `python -m mlj_export --help` lists the
command-line tools (bundle, tensorspace, train, fixtures, samples). TensorFlow is imported only when a function
that needs it is used, so `mlj_export.text` and `mlj_export.data` stay light.
"""

from mlj_export.errors import BundleError, BundleWarning

__version__ = "0.1.0"
__all__ = ["BundleError", "BundleWarning", "bundle", "__version__"]


def __getattr__(name):
    if name == "bundle":
        from mlj_export.bundle_writer import bundle

        return bundle
    raise AttributeError(f"module 'mlj_export' has no attribute {name!r}")
