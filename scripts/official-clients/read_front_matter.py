"""Prints, as JSON, the front matter of every `.md` file of a folder as PyYAML reads it (the
content repository's CI reader, CSafeLoader: libyaml underneath, YAML 1.1 resolution).
Dates become their ISO text. Used by PRBotTests to check rendered fiches read back exactly."""
import datetime
import json
import pathlib
import sys

import yaml


def front_matter(text):
    assert text.startswith("---\n"), "no opening line"
    yaml_text, _, _ = text[4:].partition("\n---\n")
    return yaml.load(yaml_text, Loader=yaml.CSafeLoader)


def iso(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(type(value))


out = {path.name: front_matter(path.read_text(encoding="utf-8")) for path in sorted(pathlib.Path(sys.argv[1]).glob("*.md"))}
print(json.dumps(out, default=iso, ensure_ascii=False))
