#!/usr/bin/env python3
"""Baseline for the fichesync front-matter benchmark described in the README.

This script is the yardstick the Swift checker (`fichesync`) is measured against: it
does the same job -- read every fiche of a beta.gouv.fr content tree, split and parse
its YAML front matter, and apply the rules the content repository's own CI enforces --
with the fastest stock Python stack, PyYAML on top of libyaml (``yaml.CSafeLoader``).

Usage::

    python3 Benchmarks/baseline_pyyaml.py CONTENT_ROOT [--repeat N]

CONTENT_ROOT is a directory holding ``content/`` (for example
``fixtures/beta.gouv.fr``). Every ``content/_*/*.md`` file is read and parsed. The whole
pipeline -- listing the directories, reading the bytes, UTF-8 decoding, splitting, YAML
loading and checking -- runs ``--repeat`` times (default 5) and the best wall time is
reported. The last line of the output is machine readable::

    BASELINE files=<n> bytes=<n> seconds=<best wall seconds> errors=<n>

``errors`` counts individual problems (one file may have several). The exit status is 0
whenever the run completed, whatever the number of errors; 2 on a usage problem or when
PyYAML's libyaml bindings are missing.

The rules are those of "Rules the repository's own CI enforces" in FICHES.md, the
fiche-format reference (rules 1-5); nothing else is an error:

1. author file names match ``^[a-z_.-]+\\.[a-z_.-]+\\.md$``;
2. every file starts with front matter (``---`` line ... first later ``---`` line, CRLF
   allowed) that parses as a YAML mapping -- the only rule for incubator, organisation
   and team files, which are parsed but never checked further;
3. author fields: ``fullname``/``role`` non-empty strings, ``domaine`` in the enum,
   ``missions`` a list of ``{start: date, end: date, status: string, employer?: string,
   startups?: [id]}`` with end strictly after start, ``link``/``github`` optional
   strings, ``badges``/``teams`` optional string lists;
4. author references: every id in ``missions[].startups``, ``previously`` and
   ``startups`` names an existing startup file, and none of those lists nor
   ``competences`` holds a value twice;
5. startup fields: ``title``/``mission``/``incubator``/``contact`` strings, ``sponsors``
   existing ``/organisations/<id>``, co-incubation ``incubators`` (two or more existing
   incubator ids, no duplicate, including ``incubator``), ``phases`` (distinct names,
   dates, end strictly after start), ``events``, ``fast``, booleans, string lists and
   string fields.

Nullability follows the repository's zod schemas (``ci/authors.mjs``,
``ci/startups.mjs``): fields declared ``.optional().nullable()`` there accept an empty
YAML value (``github:``), fields declared ``.optional()`` only do not. ``phases`` and
``missions`` are required lists because the CI's cross-field refinements read them
unconditionally. Unknown keys are allowed. Dates are YAML timestamps: a date or a
date-time (both are a JavaScript ``Date`` for the CI).
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import re
import sys
import time
from typing import Any, Callable

try:
    import yaml
except ImportError:  # pragma: no cover - environment problem
    sys.exit("error: PyYAML is not installed (pip install pyyaml, with libyaml-dev present)")

if not getattr(yaml, "__with_libyaml__", False) or not hasattr(yaml, "CSafeLoader"):
    sys.stderr.write(
        "error: this PyYAML has no libyaml bindings (yaml.CSafeLoader is missing).\n"
        "The baseline must use the C loader: install libyaml-dev, then reinstall PyYAML\n"
        "from source, e.g. pip install --no-binary pyyaml --force-reinstall pyyaml\n"
    )
    sys.exit(2)

LOADER = yaml.CSafeLoader

# --------------------------------------------------------------------------------------
# Reference data (FICHES.md)

AUTHOR_FILE_NAME = re.compile(r"[a-z_.-]+\.[a-z_.-]+\.md")

DOMAINES = (
    "Animation", "Coaching", "Déploiement", "Design", "Développement", "Intraprenariat",
    "Produit", "Data", "Support", "Attributaire", "Autre",
)
DOMAINE_SET = frozenset(DOMAINES)

# Startup string fields: key -> whether an empty YAML value is accepted.
STARTUP_STRINGS = {
    "link": True, "repository": True, "accessibility_status": False,
    "dashlord_url": True, "stats_url": True, "budget_url": True,
}
STARTUP_BOOLEANS = ("stats", "analyse_risques", "mon_service_securise")
STARTUP_STRING_LISTS = ("techno", "usertypes", "thematiques", "redirect_from")

# A line that is exactly `---` (CRLF allowed): the closing front-matter delimiter.
CLOSING_DELIMITER = re.compile(r"^---\r?$", re.MULTILINE)

_MISSING = object()

Report = Callable[[str], None]


# --------------------------------------------------------------------------------------
# Small helpers

def describe(value: Any) -> str:
    """A short human description of a YAML value, for error messages."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, (datetime.date, int, float)):
        return f"{type(value).__name__} {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def is_date(value: Any) -> bool:
    return isinstance(value, datetime.date)  # datetime.datetime is a subclass


def is_number(value: Any) -> bool:
    """A JSON-ish number as zod's z.number() sees it: no booleans, no NaN."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and not math.isnan(value)


def instant(value: datetime.date) -> datetime.datetime:
    """An aware UTC datetime, so dates and date-times compare like JavaScript Dates."""
    if isinstance(value, datetime.datetime):
        return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
    return datetime.datetime(value.year, value.month, value.day, tzinfo=datetime.timezone.utc)


def field(obj: dict, key: str, where: str, report: Report, ok: Callable[[Any], bool],
          what: str, *, required: bool = False, nullable: bool = False) -> Any:
    """Return obj[key] when it satisfies `ok`, else report and return _MISSING.

    A missing key (or an empty value when `nullable`) is reported only if `required`.
    """
    value = obj.get(key, _MISSING)
    if value is _MISSING or (value is None and nullable):
        if required:
            report(f"{where}{key}: {what} is required")
        return _MISSING
    if not ok(value):
        report(f"{where}{key}: expected {what}, got {describe(value)}")
        return _MISSING
    return value


def string_list(obj: dict, key: str, where: str, report: Report, *,
                nullable: bool = False) -> Any:
    """An optional list whose items are all strings; reports each bad item."""
    values = field(obj, key, where, report, lambda v: isinstance(v, list), "a list of strings",
                   nullable=nullable)
    if values is _MISSING:
        return _MISSING
    bad = False
    for i, item in enumerate(values):
        if not isinstance(item, str):
            report(f"{where}{key}[{i}]: expected a string, got {describe(item)}")
            bad = True
    return _MISSING if bad else values


def no_duplicates(values: list, label: str, report: Report) -> None:
    seen: set = set()
    for value in values:
        if value in seen:
            report(f"{label}: {value!r} appears more than once")
        seen.add(value)


def references(obj: dict, key: str, where: str, report: Report, known: set[str],
               kind: str, *, nullable: bool) -> None:
    """An optional list of ids that must all exist (`known`), without duplicates."""
    values = string_list(obj, key, where, report, nullable=nullable)
    if values is _MISSING:
        return
    for i, value in enumerate(values):
        if value not in known:
            report(f"{where}{key}[{i}]: no {kind} {value!r}")
    no_duplicates(values, f"{where}{key}", report)


# --------------------------------------------------------------------------------------
# Rules 3-4: authors

def check_author(fm: dict, ctx: "Content", report: Report) -> None:
    non_empty = lambda v: isinstance(v, str) and v != ""  # noqa: E731
    field(fm, "fullname", "", report, non_empty, "a non-empty string", required=True)
    field(fm, "role", "", report, non_empty, "a non-empty string", required=True)
    field(fm, "domaine", "", report, lambda v: isinstance(v, str) and v in DOMAINE_SET,
          "one of " + ", ".join(DOMAINES), required=True)
    for key in ("link", "github"):
        field(fm, key, "", report, lambda v: isinstance(v, str), "a string", nullable=True)
    for key in ("badges", "teams"):
        string_list(fm, key, "", report, nullable=True)

    missions = field(fm, "missions", "", report, lambda v: isinstance(v, list), "a list",
                     required=True)
    if missions is not _MISSING:
        for i, mission in enumerate(missions):
            check_mission(mission, f"missions[{i}].", ctx, report)

    for key in ("previously", "startups"):
        references(fm, key, "", report, ctx.startups, "startup", nullable=True)
    competences = string_list(fm, "competences", "", report, nullable=True)
    if competences is not _MISSING:
        no_duplicates(competences, "competences", report)


def check_mission(mission: Any, where: str, ctx: "Content", report: Report) -> None:
    if not isinstance(mission, dict):
        report(f"{where[:-1]}: expected a mapping, got {describe(mission)}")
        return
    start = field(mission, "start", where, report, is_date, "a date", required=True)
    end = field(mission, "end", where, report, is_date, "a date", required=True)
    if start is not _MISSING and end is not _MISSING and instant(end) <= instant(start):
        report(f"{where}end: {end} is not after start {start}")
    field(mission, "status", where, report, lambda v: isinstance(v, str), "a string",
          required=True)
    field(mission, "employer", where, report, lambda v: isinstance(v, str), "a string",
          nullable=True)
    references(mission, "startups", where, report, ctx.startups, "startup", nullable=False)


# --------------------------------------------------------------------------------------
# Rule 5: startups

def check_startup(fm: dict, ctx: "Content", report: Report) -> None:
    is_str = lambda v: isinstance(v, str)  # noqa: E731
    for key in ("title", "mission", "contact"):
        field(fm, key, "", report, is_str, "a string", required=True)
    incubator = field(fm, "incubator", "", report, is_str, "a string", required=True)

    references(fm, "sponsors", "", report, ctx.sponsors, "organisation", nullable=False)

    incubators = string_list(fm, "incubators", "", report)
    if incubators is not _MISSING:
        if len(incubators) < 2:
            report(f"incubators: co-incubation needs at least two incubators, got {len(incubators)}")
        for i, value in enumerate(incubators):
            if value not in ctx.incubators:
                report(f"incubators[{i}]: no incubator {value!r}")
        no_duplicates(incubators, "incubators", report)
        if incubator is not _MISSING and incubator not in incubators:
            report(f"incubators: must include incubator {incubator!r}")

    phases = field(fm, "phases", "", report, lambda v: isinstance(v, list), "a list",
                   required=True)
    if phases is not _MISSING:
        names = []
        for i, phase in enumerate(phases):
            name = check_phase(phase, f"phases[{i}].", report)
            if name is not _MISSING:
                names.append(name)
        no_duplicates(names, "phases", report)

    events = field(fm, "events", "", report, lambda v: isinstance(v, list), "a list")
    if events is not _MISSING:
        for i, event in enumerate(events):
            where = f"events[{i}]."
            if not isinstance(event, dict):
                report(f"events[{i}]: expected a mapping, got {describe(event)}")
                continue
            field(event, "name", where, report, is_str, "a string", required=True)
            field(event, "date", where, report, is_date, "a date", required=True)

    fast = field(fm, "fast", "", report, lambda v: isinstance(v, dict), "a mapping")
    if fast is not _MISSING:
        for key in ("promotion", "montant"):
            field(fast, key, "fast.", report, is_number, "a number", required=True)

    for key in STARTUP_BOOLEANS:
        field(fm, key, "", report, lambda v: isinstance(v, bool), "a boolean", nullable=True)
    for key in STARTUP_STRING_LISTS:
        string_list(fm, key, "", report)
    for key, nullable in STARTUP_STRINGS.items():
        field(fm, key, "", report, is_str, "a string", nullable=nullable)


def check_phase(phase: Any, where: str, report: Report) -> Any:
    """Check one phase; return its name (for the distinct-names rule) or _MISSING."""
    if not isinstance(phase, dict):
        report(f"{where[:-1]}: expected a mapping, got {describe(phase)}")
        return _MISSING
    name = field(phase, "name", where, report, lambda v: isinstance(v, str), "a string",
                 required=True)
    start = field(phase, "start", where, report, is_date, "a date", required=True)
    end = field(phase, "end", where, report, is_date, "a date", nullable=True)
    if start is not _MISSING and end is not _MISSING and instant(end) <= instant(start):
        report(f"{where}end: {end} is not after start {start}")
    field(phase, "comment", where, report, lambda v: isinstance(v, str), "a string",
          nullable=True)
    return name


CHECKS = {"_authors": check_author, "_startups": check_startup}


# --------------------------------------------------------------------------------------
# Reading and splitting (rules 1-2)

class Content:
    """The files of one content tree, and the ids other fiches may refer to."""

    def __init__(self, root: str):
        self.content_dir = os.path.join(root, "content")
        self.files: list[tuple[str, str]] = []  # (kind directory, file name)
        ids: dict[str, set[str]] = {}
        for kind in sorted(os.listdir(self.content_dir)):
            directory = os.path.join(self.content_dir, kind)
            if not kind.startswith("_") or not os.path.isdir(directory):
                continue
            names = sorted(n for n in os.listdir(directory) if n.endswith(".md"))
            self.files.extend((kind, name) for name in names)
            ids[kind] = {name[:-3] for name in names}
        self.startups = ids.get("_startups", set())
        self.incubators = ids.get("_incubators", set())
        self.sponsors = {f"/organisations/{i}" for i in ids.get("_organisations", set())}


def split_front_matter(text: str) -> str | None:
    """The front matter between the opening `---` line and the first later `---` line."""
    if text.startswith("---\n"):
        start = 4
    elif text.startswith("---\r\n"):
        start = 5
    else:
        return None
    closing = CLOSING_DELIMITER.search(text, start)
    return None if closing is None else text[start:closing.start()]


def load_front_matter(data: bytes, report: Report) -> Any:
    """Decode, split and YAML-load one file; report and return _MISSING on failure."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        report(f"not valid UTF-8 (byte {error.start})")
        return _MISSING
    front_matter = split_front_matter(text)
    if front_matter is None:
        report("no front matter: the file must start with a `---` line and a later `---` line")
        return _MISSING
    try:
        value = yaml.load(front_matter, Loader=LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 2}, column {mark.column + 1}" if mark else ""
        report(f"front matter is not valid YAML{where}: {error.problem or error.context}")
        return _MISSING
    except (yaml.YAMLError, ValueError) as error:  # ValueError: a date like 2023-02-30
        report(f"front matter cannot be loaded: {error}")
        return _MISSING
    if not isinstance(value, dict):
        report(f"front matter must be a YAML mapping, got {describe(value)}")
        return _MISSING
    return value


def run(root: str) -> tuple[int, int, list[tuple[str, str]]]:
    """One full pass over the tree: (files, bytes, [(relative path, message)])."""
    content = Content(root)
    errors: list[tuple[str, str]] = []
    total_bytes = 0
    for kind, name in content.files:
        path = f"content/{kind}/{name}"
        report: Report = lambda message, path=path: errors.append((path, message))  # noqa: E731
        with open(os.path.join(content.content_dir, kind, name), "rb") as handle:
            data = handle.read()
        total_bytes += len(data)
        if kind == "_authors" and not AUTHOR_FILE_NAME.fullmatch(name):
            report("author file name must match ^[a-z_.-]+\\.[a-z_.-]+\\.md$")
        front_matter = load_front_matter(data, report)
        check = CHECKS.get(kind)
        if front_matter is not _MISSING and check is not None:
            check(front_matter, content, report)
    return len(content.files), total_bytes, errors


# --------------------------------------------------------------------------------------
# Command line

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="PyYAML (libyaml) baseline for the fichesync front-matter benchmark.")
    parser.add_argument("root", metavar="CONTENT_ROOT", help="directory holding content/")
    parser.add_argument("--repeat", type=int, default=5, metavar="N",
                        help="number of timed runs; the best is reported (default 5)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not os.path.isdir(os.path.join(args.root, "content")):
        parser.error(f"{args.root!r} holds no content/ directory")

    timings = []
    for _ in range(args.repeat):
        began = time.perf_counter()
        files, total_bytes, errors = run(args.root)
        timings.append(time.perf_counter() - began)
    best = min(timings)

    print(f"baseline: PyYAML {yaml.__version__} with yaml.CSafeLoader "
          f"(libyaml {yaml._yaml.get_version_string()}), Python {sys.version.split()[0]}")
    print(f"content:  {os.path.join(args.root, 'content')}")
    bad_files = len({path for path, _ in errors})
    print(f"errors:   {len(errors)} in {bad_files} file(s)")
    for path, message in errors[:20]:
        print(f"  {path}: {message}")
    if len(errors) > 20:
        print(f"  ... and {len(errors) - 20} more")
    print(f"files:    {files}, {total_bytes} bytes ({total_bytes / 1e6:.2f} MB)")
    print(f"time:     best of {args.repeat} run(s) {best:.6f} s "
          f"(all: {', '.join(f'{t:.4f}' for t in timings)})")
    if best > 0:
        print(f"rate:     {files / best:,.0f} files/s, {total_bytes / 1e6 / best:.2f} MB/s")
    print(f"BASELINE files={files} bytes={total_bytes} seconds={best:.6f} errors={len(errors)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
