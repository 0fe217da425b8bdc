"""Load a collection (``content/``): every file read, validated and cross-checked.

Layout (docs/content-model.md)::

    content/site.yaml                      optional: site name, base URL, footer
    content/<report-id>/report.yaml        identity, inspection, intro, parts, contact
    content/<report-id>/figures.yaml       optional: statuses and every statistic, once
    content/<report-id>/parts/<id>.yaml    a part (a node), listed in report.yaml
    content/<report-id>/<dir>/<id>.yaml    any node kept in a file of its own ({file: …})
    content/<report-id>/ledger.xlsx        optional: the office's ledger (ledger.py reads it)

Every problem in every file is collected before anything fails, each as a Diagnostic
with the file, the line and the field.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Generator, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from rectify_site.errors import ContentError, Diagnostic, Loc, UsageError, diag
from rectify_site.files import refusal
from rectify_site.load.attachments import FORMATS, content_problem
from rectify_site.load.sources import LoadFailed, MarkedYaml, field_name, load_yaml
from rectify_site.load.xlsx import read_ledger
from rectify_site.messages import MESSAGES
from rectify_site.model.assemble import (
    Draft,
    assemble,
    check_figures,
    ledger_aspects,
    ledger_entities,
    number_tree,
)
from rectify_site.model.checks import Finding
from rectify_site.model.collection import Collection
from rectify_site.model.content import (
    FiguresFile,
    NodeFile,
    ReportFile,
    SiteFile,
    part_ref,
    report_id_problem,
)
from rectify_site.model.ledger import FILENAME as LEDGER_FILE
from rectify_site.model.ledger import AspectRef, Ledger, StatusRef
from rectify_site.model.report import Attachment, Report
from rectify_site.workers import jobs_for, pool

M = TypeVar("M", bound=BaseModel)

ATTACHMENTS = "attachments"
"""The folder of a report that holds its 附件."""
ATTACHMENT_TYPES = frozenset(FORMATS)
"""What an attachment may be called: documents and images (load/attachments.py)."""
MAX_ATTACHMENT_BYTES = 20_000_000
SAFE_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,80}$")
"""Attachment names kept as they are in URLs; others are published under a hash of the name."""

_PYDANTIC_KEYS = {
    "slug_unsafe": "slug.unsafe",
    "key_unsafe": "key.unsafe",
    "file_ref": "node.file_ref",
    "attachment_name": "attachment.name",
    "node.empty": "node.empty",
    "node.file_alone": "node.file_alone",
    "table.ragged": "table.ragged",
    "table.blank": "table.blank",
    "figure.both": "figure.both",
    "figure.neither": "figure.neither",
    "figure.of_counts": "figure.of_counts",
    "number_bounds": "figure.bounds",
    "is_instance_of": "decimal_type",
    "decimal_parsing": "decimal_type",
    "date_from_datetime_inexact": "date_type",
    "day_type": "day_type",
    "int_parsing": "int_type",
    "missing": "missing",
}

_UNION_TAGS = frozenset({"str", "list[str]", "function-after[check_slug(), str]"})
"""Branch names pydantic puts into a loc inside a union; not fields an editor sees."""


_GONE = object()
"""A list entry trimmed away (removed once every error is marked)."""

_MAX_TRIMS = 3
"""Rounds of trimming: a value left out may reveal another error below it."""


def _trimmed(model: type[M], data: Any, exc: ValidationError) -> tuple[M | None, list[Loc]]:
    """The file's model with every value that failed left out, where the rest validates,
    and the locs of the values left out (not the unknown fields).

    The errors are already reported, so the report is never published; but the rest of
    the report is still cross-checked, so that one ``check`` shows every error that does
    not depend on a broken field (a misspelt field never hides 58 > 57 beside it, nor a
    quoted date an undefined status). A required field that is missing, or an error of
    the whole file, leaves nothing to check: None.
    """
    import copy

    trimmed = copy.deepcopy(data)
    dropped: list[Loc] = []
    for _ in range(_MAX_TRIMS):
        errors = exc.errors(include_url=False)
        for err in errors:
            loc = _clean_loc(tuple(err["loc"]))
            if err["type"] == "missing" or not loc or not _drop(trimmed, loc):
                return None, dropped
            if err["type"] != "extra_forbidden":
                dropped.append(loc)
        trimmed = _swept(trimmed)
        try:
            return model.model_validate(trimmed), dropped
        except ValidationError as again:
            exc = again
    return None, dropped


def _drop(data: Any, loc: Loc) -> bool:
    """Mark the value at ``loc`` as left out; False where the loc leads nowhere."""
    node: Any = data
    for part in loc[:-1]:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
    last = loc[-1]
    if isinstance(node, dict) and last in node:
        node[last] = _GONE
        return True
    if isinstance(node, list) and isinstance(last, int) and 0 <= last < len(node):
        node[last] = _GONE
        return True
    return False


def _swept(data: Any) -> Any:
    """``data`` without the values ``_drop`` marked."""
    if isinstance(data, dict):
        return {k: _swept(v) for k, v in data.items() if v is not _GONE}
    if isinstance(data, list):
        return [_swept(v) for v in data if v is not _GONE]
    return data


_DEPENDS: dict[str, tuple[str, ...]] = {
    "figures": ("tally.", "rate.", "figure.scope_unknown", "node.unknown_status", "ledger."),
    "nodes": ("tally.", "figure.scope_unknown", "category.id", "ledger."),
}
"""Cross-checks that read a file kind's values: not made where one of them was left out."""

_PROSE_READS = frozenset({"title", "issuer", "inspection"})
"""The fields of report.yaml that prose reads (besides figures and counts)."""


def _independent(findings: list[Finding], broken: dict[str, list[Loc]]) -> list[Finding]:
    """The findings of a cross-check that does not read a value left out (``_trimmed``)."""
    if not broken:
        return findings
    skip: tuple[str, ...] = ()
    unread: set[str] = set()  # what prose may not be told is missing: it was left out
    for rel, locs in broken.items():
        if rel == "figures.yaml":
            skip += _DEPENDS["figures"]
            unread.add("figures")
        elif rel == "report.yaml":
            if any(loc[:1] == ("parts",) for loc in locs):
                skip += _DEPENDS["nodes"]
                unread.add("counts")
            unread.update(str(loc[0]) for loc in locs if loc and loc[0] in _PROSE_READS)
        else:
            skip += _DEPENDS["nodes"]
            unread.add("counts")
    out = []
    for f in findings:
        if skip and f.key.startswith(skip):
            continue
        if f.key == "prose.undefined" and str(f.params.get("name", "")).split(".")[0] in unread:
            continue
        if f.key == "prose.syntax" and unread & _PROSE_READS:  # a filter given a None
            continue
        out.append(f)
    return out


def _clean_loc(loc: tuple[Any, ...]) -> Loc:
    return tuple(p for p in loc if not (isinstance(p, str) and p in _UNION_TAGS))


def pydantic_diagnostics(exc: ValidationError, source: MarkedYaml) -> list[Diagnostic]:
    """Turn pydantic's errors into diagnostics with the YAML node's line and column."""
    out = []
    for err in exc.errors(include_url=False):
        loc = _clean_loc(tuple(err["loc"]))
        etype = err["type"]
        reserved = {"line", "col", "field", "severity"}
        ctx: dict[str, Any] = {
            k: v
            for k, v in (err.get("ctx") or {}).items()
            if isinstance(v, str | int) and k not in reserved
        }
        key = _PYDANTIC_KEYS.get(etype, etype)
        if etype == "value_error" and loc and loc[-1] == "email":
            key, ctx = "email", {"reason": str((err.get("ctx") or {}).get("reason", ""))}
        elif etype == "value_error":
            key, ctx = "invalid", {"detail": err["msg"]}
        if key not in MESSAGES:
            key, ctx = "invalid", {"detail": err["msg"]}
        line, col = source.where(loc)
        out.append(diag(source.path, key, line=line, col=col, field=_named(loc, source), **ctx))
    return out


def _named(loc: Loc, source: MarkedYaml) -> str:
    """A field as editors know it: in figures.yaml, a figure by its path (discipline.recovered)."""
    data = source.data
    if source.path.name == "figures.yaml" and len(loc) >= 4 and loc[0] == "groups":
        try:
            group = data["groups"][loc[1]]
            figure = group["figures"][loc[3]]
            path = f"{group['id']}.{figure['id']}" if group.get("id") else str(figure["id"])
        except (KeyError, IndexError, TypeError):
            return field_name(loc)
        if isinstance(path, str) and path.replace(".", "").replace("_", "").isalnum():
            return field_name((path, *loc[4:]))
    return field_name(loc)


def _raw_parts(source: MarkedYaml | None) -> list[NodeFile] | None:
    """The parts of a report.yaml that failed validation, where each entry still reads."""
    value = (
        source.data.get("parts") if source is not None and isinstance(source.data, dict) else None
    )
    if not isinstance(value, list):
        return None
    out = []
    for entry in value:
        try:
            out.append(NodeFile.model_validate(part_ref(entry)))
        except (ValidationError, ValueError):
            continue
    return out


class _ReportLoader:
    """Loads one report folder, collecting diagnostics instead of stopping at the first."""

    def __init__(
        self,
        folder: Path,
        root: Path,
        problems: list[Diagnostic],
        parsed: dict[Path, Any] | None = None,
    ) -> None:
        self.folder = folder
        self.root = root
        self.problems = problems
        self.parsed = parsed if parsed is not None else {}
        """Files already read by worker processes: data, or the diagnostics of a failure."""
        self.sources: dict[str, MarkedYaml] = {}
        self.files: list[Path] = []
        self.recovered: set[int] = set()
        """The errors of files whose other values still validated (``_trimmed``)."""
        self.broken: dict[str, list[Loc]] = {}
        """File -> the values left out of its model because they failed."""

    def model(
        self, rel: str, model: type[M], *, ref: tuple[MarkedYaml, Loc] | None = None
    ) -> M | None:
        path = self.folder / rel
        self.files.append(path)
        if not path.exists() and ref is not None:
            src, loc = ref
            line, col = src.where(loc)
            self.problems.append(
                diag(src.path, "file.missing", line=line, col=col, field=field_name(loc))
            )
            self.problems.append(diag(path, "file.missing"))
            return None
        early = self.parsed.pop(path, None)
        if isinstance(early, list):
            self.problems.extend(early)
            return None
        try:
            source = load_yaml(path, self.root) if early is None else MarkedYaml(path, early)
        except LoadFailed as exc:
            self.problems.extend(exc.diagnostics)
            return None
        self.sources[rel] = source
        try:
            return model.model_validate(source.data)
        except ValidationError as exc:
            found = pydantic_diagnostics(exc, source)
            self.problems.extend(found)
            recovered, dropped = _trimmed(model, source.data, exc)
            if recovered is not None:
                self.recovered.update(id(d) for d in found)
                if dropped:
                    self.broken[rel] = dropped
            return recovered

    def nodes(
        self, entries: list[NodeFile], file: str, at: Loc, open_: tuple[str, ...]
    ) -> list[Draft]:
        """The drafts of a list of nodes, following ``{file: …}`` into files of their own."""
        out = []
        for i, node in enumerate(entries):
            loc: Loc = (*at, i)
            if node.file is None:
                draft = Draft(node, file, loc)
                draft.children = self.nodes(node.children, file, (*loc, "children"), open_)
                out.append(draft)
                continue
            found = self.node_file(node.file, file, loc, open_)
            if found is not None:
                out.append(found)
        return out

    def node_file(self, rel: str, file: str, loc: Loc, open_: tuple[str, ...]) -> Draft | None:
        src = self.sources[file]
        ref_loc: Loc = (*loc, "file") if file != "report.yaml" or loc[:1] != ("parts",) else loc
        if rel in open_ or rel in self.sources:
            line, col = src.where(ref_loc)
            key = "node.cycle" if rel in open_ else "node.file_reused"
            self.problems.append(
                diag(src.path, key, line=line, col=col, field=field_name(ref_loc), value=rel)
            )
            return None
        node = self.model(rel, NodeFile, ref=(src, ref_loc))
        if node is None:
            return None
        if node.file is not None:
            line, col = self.sources[rel].where(("file",))
            self.problems.append(
                diag(self.folder / rel, "node.file_alone", line=line, col=col, field="file")
            )
            return None
        draft = Draft(node, rel, (), default_id=PurePosixPath(rel).stem, ref=(file, ref_loc))
        draft.children = self.nodes(node.children, rel, ("children",), (*open_, rel))
        return draft

    def load(self) -> Report | None:
        before = len(self.problems)
        report = self.model("report.yaml", ReportFile)
        figures: FiguresFile | None = FiguresFile()
        if (self.folder / "figures.yaml").exists() or (self.folder / "figures.yaml") in self.parsed:
            figures = self.model("figures.yaml", FiguresFile)
        src = self.sources.get("report.yaml")
        # The listing to follow: the validated one, else the raw one of a report.yaml that
        # is valid YAML but fails elsewhere, so that missing files are still reported.
        entries = report.parts if report is not None else _raw_parts(src)
        parts: list[Draft] = []
        if src is not None and entries is not None:
            parts = self.nodes(entries, "report.yaml", ("parts",), ())
            self._unlisted()  # only where the listing could be followed
        else:  # no listing to follow: still check every node file, to report all at once
            for path in sorted(self.folder.rglob("*.yaml")):
                rel = path.relative_to(self.folder).as_posix()
                if rel not in ("report.yaml", "figures.yaml") and not rel.startswith(ATTACHMENTS):
                    self.model(rel, NodeFile)
        errors = [p for p in self.problems[before:] if p.severity == "error"]
        new_errors = bool(errors)
        # A file whose only faults are values that fail (an unknown field, a quoted date)
        # still has its model without them (their errors are reported): then the report
        # is still cross-checked where a check reads none of them, but never published.
        incomplete = any(id(p) not in self.recovered for p in errors)
        if report is None or figures is None or incomplete:
            if figures is not None:  # the figures' own checks need nothing else
                own = _independent(check_figures(figures), self.broken)
                self.problems.extend(self.finding(f) for f in own)
            return None  # warnings (an unlisted file) do not keep a report out
        at = len(self.problems)
        attachments = self._attachments(report)
        if any(p.severity == "error" for p in self.problems[at:]):
            return None
        ledger, entities = None, None
        tree = number_tree(report, parts)
        values_out = any(rel != "report.yaml" for rel in self.broken)
        if (self.folder / LEDGER_FILE).exists() and not values_out:
            aspects = ledger_aspects(tree)
            ledger = self.ledger(aspects, figures)
            if ledger is None or not self._publishable(report, ledger):
                return None
            entities = ledger_entities(ledger, aspects)
        extra = {"attachments": attachments, "ledger": ledger, "ledger_options": report.ledger}
        assembled, findings = assemble(
            self.folder.name, report, parts, figures, ledger=entities, extra=extra, tree=tree
        )
        for f in _independent(findings, self.broken):
            self.problems.append(self.finding(f))
        return None if new_errors else assembled

    def is_draft(self) -> bool:
        """``draft: true`` in report.yaml as read, whether or not the report validated."""
        src = self.sources.get("report.yaml")
        return src is not None and isinstance(src.data, dict) and src.data.get("draft") is True

    def ledger(
        self, aspects: list[tuple[AspectRef, frozenset[str]]], figures: FiguresFile
    ) -> Ledger | None:
        """ledger.xlsx read and checked against the report's aspects and statuses."""
        path = self.folder / LEDGER_FILE
        self.files.append(path)
        statuses = {k: StatusRef(s.label, s.done) for k, s in figures.statuses.items()}
        ledger, found = read_ledger(path, [a for a, _ in aspects], statuses, root=self.root)
        self.problems.extend(found)
        return ledger

    def _publishable(self, report: ReportFile, ledger: Ledger) -> bool:
        """False, with an error at ``ledger.publish_columns``, where the issuer publishes
        the ledger but none of the columns it names is in the file: a table of no column."""
        options = report.ledger
        if not options.publish or any(c in ledger.columns for c in options.publish_columns):
            return True
        loc: Loc = ("ledger", "publish_columns")
        line, col = self.sources["report.yaml"].where(loc)
        self.problems.append(
            diag(
                self.folder / "report.yaml",
                "ledger.no_published_column",
                line=line,
                col=col,
                field=field_name(loc),
                columns="、".join(options.publish_columns),
            )
        )
        return False

    def finding(self, f: Finding) -> Diagnostic:
        source = self.sources.get(f.file)
        line, col = source.where(f.loc) if source else (None, None)
        params: dict[str, Any] = dict(f.params)
        if "line" in params and line is not None:  # a line inside a prose string
            line += int(params.pop("line")) - 1
        params.pop("line", None)
        fld = str(params.pop("_field", "") or field_name(f.loc))
        severity: Any = f.severity
        return diag(
            self.folder / f.file, f.key, line=line, col=col, field=fld, severity=severity, **params
        )

    def _attachments(self, report: ReportFile) -> list[Attachment]:
        """The listed attachments, checked: regular files inside content/, present, not too
        large, and of the format their suffix names (load/attachments.py)."""
        src = self.sources["report.yaml"]
        folder = self.folder / ATTACHMENTS
        out = []
        for i, entry in enumerate(report.attachments):
            loc: Loc = ("attachments", i, "file")
            line, col = src.where(loc)
            where: dict[str, Any] = {"line": line, "col": col, "field": field_name(loc)}
            path = folder / entry.file
            suffix = PurePosixPath(entry.file).suffix.lower().lstrip(".")
            if suffix not in ATTACHMENT_TYPES:
                allowed = "、".join(sorted(ATTACHMENT_TYPES))
                self.problems.append(diag(src.path, "attachment.type", **where, allowed=allowed))
                continue
            if (refused := refusal(path, self.root)) is not None:
                self.problems.append(refused)  # a symlink out of content/, a FIFO …
                continue
            if not path.is_file():
                self.problems.append(
                    diag(src.path, "attachment.missing", **where, value=entry.file)
                )
                continue
            size = path.stat().st_size
            if size > MAX_ATTACHMENT_BYTES:
                limit = MAX_ATTACHMENT_BYTES // 1_000_000
                self.problems.append(
                    diag(src.path, "attachment.too_large", **where, size=size, limit=limit)
                )
                continue
            if (found := content_problem(path, suffix)) is not None:
                key, params = found  # its bytes are not what its suffix says
                self.problems.append(diag(src.path, key, **where, **params))
                continue
            self.files.append(path)
            # a name a URL cannot carry is published under a hash of that name: stable
            # when the file is replaced, as a URL that others link to should be
            digest = hashlib.sha256(entry.file.encode("utf-8")).hexdigest()[:10]
            name = (
                entry.file
                if SAFE_NAME_RE.fullmatch(entry.file)
                else f"attachment-{digest}.{suffix}"
            )
            out.append(
                Attachment(
                    file=entry.file,
                    title=entry.title,
                    url=f"{self.folder.name}/{ATTACHMENTS}/{name}",
                    size=size,
                    type=suffix.upper(),
                )
            )
        listed = {a.file for a in report.attachments}
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.name not in listed and not path.name.startswith("."):
                    self.problems.append(
                        diag(path, "attachment.unlisted", severity="warning", listing=str(src.path))
                    )
        return out

    def _unlisted(self) -> None:
        """A YAML file no listing reaches is not published: say so (a warning)."""
        read = set(self.files)  # paths made from the folder, as rglob makes them
        for path in sorted(self.folder.rglob("*.yaml")):
            rel = path.relative_to(self.folder)
            if rel.parts[0] == "attachments" or path in read:
                continue
            if rel.as_posix() in ("report.yaml", "figures.yaml"):
                continue
            self.problems.append(
                diag(
                    path,
                    "file.unlisted",
                    severity="warning",
                    listing=str(self.folder / "report.yaml"),
                )
            )


PARALLEL_MIN_REPORTS = 60
"""Below this many reports, YAML is read in this process (workers take ~0.1 s to start)."""


def _parse_folder(job: tuple[Path, Path]) -> list[tuple[Path, Any]]:
    """In a worker: every YAML file of one report, as plain data or its diagnostics.

    Plain dicts, lists and strings travel back between processes cheaply; validation
    and cross-checks stay in the parent, which needs the models anyway.
    """
    folder, root = job
    paths = sorted(
        p for p in folder.rglob("*.yaml") if p.relative_to(folder).parts[0] != "attachments"
    )
    out: list[tuple[Path, Any]] = []
    for path in paths:
        if path.is_file():
            try:
                out.append((path, load_yaml(path, root).data))
            except LoadFailed as exc:
                out.append((path, exc.diagnostics))
    return out


def _parsed_in_order(folders: list[Path], root: Path) -> Generator[dict[Path, Any], None, None]:
    """The YAML of each report in ``folders``, in order, parsed in forked workers (most
    of loading is YAML); an empty dict per report where one process is faster.

    In windows of PARSE_WINDOW reports: the workers parse the next window while this
    process validates the last, so at most two windows of plain data are held, not the
    whole collection's (10,000 reports are about a GiB of it).
    """
    jobs = jobs_for(len(folders), PARALLEL_MIN_REPORTS)
    if jobs <= 1:
        for _ in folders:
            yield {}
        return
    windows = [folders[i : i + PARSE_WINDOW] for i in range(0, len(folders), PARSE_WINDOW)]
    with pool(jobs) as workers:

        def start(window: list[Path]) -> Any:
            chunk = max(1, len(window) // (jobs * 4))
            return workers.map_async(_parse_folder, [(f, root) for f in window], chunk)

        pending = start(windows[0])
        for i in range(len(windows)):
            results = pending.get()
            if i + 1 < len(windows):
                pending = start(windows[i + 1])
            for result in results:
                yield dict(result)


PARSE_WINDOW = 128
"""Reports per window of parallel parsing (see ``_parsed_in_order``)."""


class ReportCache(Protocol):
    """What the loader asks of the build's cache (cache.Cache): loaded reports, kept by the
    hash of their files."""

    def recall(self, group: str, name: str, key: str) -> Any | None: ...

    def remember(self, group: str, name: str, key: str, value: Any) -> None: ...


@dataclass(frozen=True)
class LoadedReport:
    """One report folder loaded: what the cache keeps of it between builds."""

    report: Report | None
    """None when it has errors (they are among ``problems``)."""
    problems: tuple[Diagnostic, ...]
    """Its errors and warnings, in the order they were found."""
    files: tuple[Path, ...]
    """Every file it read (for typography, provenance and the cache)."""
    draft: bool = False
    """Its report.yaml says ``draft: true`` (read even when the report did not load)."""


def load_report(folder: Path, root: Path, parsed: dict[Path, Any] | None = None) -> LoadedReport:
    """One report folder read, validated, assembled and cross-checked: the unit of loading.

    ``parsed`` holds its YAML when a worker has read it already (``_parse_folder``).
    """
    problems: list[Diagnostic] = []
    loader = _ReportLoader(folder, root, problems, parsed)
    report = loader.load()
    return LoadedReport(report, tuple(problems), tuple(loader.files), loader.is_draft())


def load_collection(
    root: Path,
    cache: ReportCache | None = None,
    digests: Mapping[str, str] | None = None,
    *,
    keep_going: bool = False,
    drafts_left_out: bool = False,
) -> Collection:
    """Load and validate every report under ``root``; raise ContentError listing all errors.

    Each report folder is loaded by ``load_report``, its YAML parsed ahead in workers.
    With a ``cache`` (incremental builds), a report folder whose files hash to the same
    digest (``digests``: folder name -> digest of its files) as when it last loaded is
    taken from there instead of being parsed and checked again.
    With ``keep_going`` (check), errors do not raise while some report loaded: the
    collection of those is returned, the errors among its ``warnings``, so that the
    caller can still check everything else before it reports them all.
    With ``drafts_left_out`` (build), a draft never blocks the build: one that does not
    load is left out like every draft, its errors reported as warnings.
    """
    if not root.is_dir():
        raise UsageError([diag(root, "content.missing")])
    problems: list[Diagnostic] = []
    files: list[Path] = []
    site = load_site_file(root, problems, files)
    folders = report_folders(root, problems)
    keys = digests or {}
    cached: dict[Path, LoadedReport] = {}
    if cache is not None:
        for f in folders:
            key = keys.get(f.name)
            hit = cache.recall("reports", f.name, key) if key else None
            if isinstance(hit, LoadedReport):
                cached[f] = hit
    parsed = _parsed_in_order([f for f in folders if f not in cached], root)
    loaded: list[LoadedReport] = []
    try:
        for folder in folders:
            one = cached.get(folder)  # unchanged since it last loaded cleanly: no parse
            if one is None:
                one = load_report(folder, root, next(parsed))
                key = keys.get(folder.name)
                if cache is not None and one.report is not None and key:
                    cache.remember("reports", folder.name, key, one)
            loaded.append(one)
    finally:
        parsed.close()  # the workers stop with it, however loading ended
    return gather(
        root,
        site,
        zip(folders, loaded, strict=True),
        problems,
        files,
        keep_going=keep_going,
        drafts_left_out=drafts_left_out,
    )


def load_site_file(root: Path, problems: list[Diagnostic], files: list[Path]) -> SiteFile:
    """site.yaml validated (its problems added to ``problems``), or the defaults."""
    site = SiteFile()
    site_path = root / "site.yaml"
    if site_path.exists():
        files.append(site_path)
        try:
            src = load_yaml(site_path, root)
            site = SiteFile.model_validate(src.data)
        except LoadFailed as exc:
            problems.extend(exc.diagnostics)
        except ValidationError as exc:
            problems.extend(pydantic_diagnostics(exc, src))
    return site


def report_folders(root: Path, problems: list[Diagnostic]) -> list[Path]:
    """The folders under ``root`` that hold a report, sorted; a folder whose name no
    report may take is a problem, not a report."""
    folders: list[Path] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name.startswith((".", "_")):
            continue
        if not (folder / "report.yaml").exists() and not any(folder.rglob("*.yaml")):
            continue
        refused = report_id_problem(folder.name)
        if refused is not None:
            key, params = refused
            problems.append(diag(folder, key, field="id", **params))
            continue
        folders.append(folder)
    return folders


def gather(
    root: Path,
    site: SiteFile,
    loaded: Iterable[tuple[Path, LoadedReport]],
    problems: list[Diagnostic],
    files: list[Path],
    *,
    keep_going: bool = False,
    drafts_left_out: bool = False,
) -> Collection:
    """The collection of the report folders loaded, in order (see ``load_collection``
    for ``keep_going`` and ``drafts_left_out``); ContentError with every problem."""
    reports: list[Report] = []
    drafts: list[Report] = []
    failed_drafts: list[str] = []
    for folder, one in loaded:
        found = one.problems
        if drafts_left_out and one.draft and one.report is None:
            failed_drafts.append(folder.name)
            found = tuple(dataclasses.replace(d, severity="warning") for d in found)
        problems.extend(found)
        files.extend(one.files)
        if one.report is not None:
            (drafts if one.report.draft else reports).append(one.report)
    problems.extend(units_twice(reports, root))
    errors = [p for p in problems if p.severity == "error"]
    if errors and not (keep_going and (reports or drafts)):
        raise ContentError(problems)
    if not reports and not drafts and not failed_drafts:
        raise ContentError([diag(root, "collection.empty")])
    return Collection(
        root=root,
        site=site,
        reports=reports,
        drafts=drafts,
        warnings=problems,
        files=files,
        failed_drafts=failed_drafts,
    )


def units_twice(reports: list[Report], root: Path) -> list[Diagnostic]:
    """A unit (issuer) reports once a round: a second report of the same round is an error
    at its ``issuer`` line (a 回头看 or a later round names its own round)."""
    first: dict[tuple[str, str], str] = {}
    found = []
    for r in reports:
        key = (r.inspection.round, r.issuer)
        if key not in first:
            first[key] = r.id
            continue
        path = root / r.id / "report.yaml"
        try:
            line, col = load_yaml(path, root).where(("issuer",))
        except LoadFailed:  # it loaded a moment ago; without its line the error still stands
            line, col = None, None
        found.append(
            diag(
                path,
                "round.unit_twice",
                line=line,
                col=col,
                field="issuer",
                issuer=r.issuer,
                round=r.inspection.round,
                first=first[key],
            )
        )
    return found
