"""rectify-site: publish rectification reports (巡视整改进展情况的通报) as a static site."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rectify_site._version import __version__

__all__ = ["ContentError", "SiteError", "UsageError", "__version__", "build_site", "load_site"]

if TYPE_CHECKING:
    from rectify_site.build.pipeline import build_site, load_site
    from rectify_site.errors import ContentError, SiteError, UsageError


def __getattr__(name: str) -> Any:
    """Import the pipeline lazily, so that ``rectify-site --version`` stays instant."""
    if name in ("build_site", "load_site"):
        from rectify_site.build import pipeline

        return getattr(pipeline, name)
    if name in ("ContentError", "SiteError", "UsageError"):
        from rectify_site import errors

        return getattr(errors, name)
    raise AttributeError(name)
