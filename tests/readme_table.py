"""Regenerate the table of C functions in README.md from the header.

usage: python3 tests/readme_table.py [--check]

The table links each function to its line in include/misterwebhooks.h. With
--check, exits 1 when README.md is not up to date instead of rewriting it.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TASKS = [
    ("Connection profiles", "mw_profile_"),
    ("Consuming a topic", "mw_consumer_"),
    ("Reading an event", "mw_event_"),
    ("Errors", "mw_error_"),
    ("Names and versions", "mw_status_name mw_http_method_name mw_payload_encoding_name mw_version"),
    ("Logging", "mw_set_log_handler"),
]


def table() -> str:
    header = (ROOT / "include" / "misterwebhooks.h").read_text().splitlines()
    lines = {}
    for number, line in enumerate(header, start=1):
        match = re.match(r"^[a-z].*?\b(mw_[a-z_]+)\(", line)
        if match and match.group(1) not in lines:
            lines[match.group(1)] = number
    rows = ["| task | functions |", "| --- | --- |"]
    for task, selector in TASKS:
        names = [name for name in lines
                 if (name in selector.split() if " " in selector or not selector.endswith("_") else name.startswith(selector))]
        links = ", ".join(f"[`{name}`](include/misterwebhooks.h#L{lines[name]})" for name in names)
        rows.append(f"| {task} | {links} |")
    return "\n".join(rows)


def main() -> None:
    readme = ROOT / "README.md"
    text = readme.read_text()
    start = text.index("| task | functions |") if "| task | functions |" in text else text.index("HEADER_TABLE")
    end = text.index("\n\n", start)
    updated = text[:start] + table() + text[end:]
    if "--check" in sys.argv:
        if updated != text:
            sys.exit("README.md's table of C functions is out of date: run python3 tests/readme_table.py")
        print("README table up to date")
        return
    readme.write_text(updated)


if __name__ == "__main__":
    main()
