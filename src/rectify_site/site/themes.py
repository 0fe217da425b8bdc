"""Where templates and static assets come from: a site's own theme folder over the package's.

A ``templates/`` folder beside ``content/`` (or ``--templates``) holds only the files a
site changes (MkDocs' ``custom_dir``, Hugo's layouts): a template or asset it holds is
used instead of the packaged one of the same name, everything else comes from the
package. Imported without Jinja, so ``build``'s nothing-to-do check stays quick.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from rectify_site.errors import UsageError, diag


def default_theme() -> Path:
    """The theme that ships inside the package (built from the top-level templates/).

    Running from a source checkout (or an editable install, whose finder does not map
    the sub-package) falls back to that top-level folder itself.
    """
    try:
        spec = importlib.util.find_spec("rectify_site.theme")
    except ModuleNotFoundError:
        spec = None
    # theme/ has no __init__.py: it is a namespace package, whose resources.files() is a
    # MultiplexedPath that str() does not turn into a folder; its search path does.
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(__file__).resolve().parents[3] / "templates"


def theme_folders(theme: Path) -> list[Path]:
    """The search path for ``theme``: the folder itself, then the packaged theme under it."""
    default = default_theme()
    if theme.resolve() == default.resolve():
        return [theme]
    return [theme, default]


def find_theme(content: Path, templates: Path | None) -> Path:
    """``--templates``, else ``templates/`` beside ``content/``, else the packaged theme.

    The folder found may hold only the files it changes: the packaged theme lies under it
    (``themes.theme_folders``), for templates and static assets alike.
    """
    if templates is not None:
        if not templates.is_dir():
            raise UsageError([diag(templates, "templates.missing")])
        return templates
    beside = content.resolve().parent / "templates"
    if beside.is_dir():
        return beside
    return default_theme()
