"""Errors and warnings that mlj_export raises about the models it is given."""


class BundleError(Exception):
    """A model cannot be bundled; the message names the problem and, where possible, the fix."""


class BundleWarning(UserWarning):
    """A model can be bundled, but something about it is fragile (e.g. auto-generated names)."""
