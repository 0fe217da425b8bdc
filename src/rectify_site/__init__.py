"""rectify-site: publish rectification reports (巡视整改进展情况的通报) as a static site.

Nothing is imported here until it is asked for (``__getattr__``): every start of the
command line imports this first, before its handler of Ctrl-C is reached (``__main__``),
and ``rectify-site --version`` stays instant.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from rectify_site._version import __version__
    from rectify_site.build.pipeline import build_site, load_site
    from rectify_site.errors import ContentError, SiteError, UsageError

__all__ = ["ContentError", "SiteError", "UsageError", "__version__", "build_site", "load_site"]


def __getattr__(name: str) -> Any:
    """Import the pipeline, the errors and the version lazily, when first asked for."""
    if name in ("build_site", "load_site"):
        from rectify_site.build import pipeline

        return getattr(pipeline, name)
    if name in ("ContentError", "SiteError", "UsageError"):
        from rectify_site import errors

        return getattr(errors, name)
    if name == "__version__":
        from rectify_site._version import __version__

        return __version__
    raise AttributeError(name)
