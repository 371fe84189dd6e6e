"""Fail when a wapiti report holds a finding that docs/security.md does not explain.

A finding is explained by a row of the "Scanner findings" table in docs/security.md whose
first two cells are the finding's category and its path (numbers in paths written as <n>).
Usage: python scripts/wapiti_check.py docs/security.md REPORT.json [REPORT.json ...]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

KINDS = ("vulnerabilities", "anomalies")


def explained(doc: Path) -> set[tuple[str, str]]:
    rows = set()
    for line in doc.read_text().splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[1].startswith("/"):
            rows.add((cells[0], cells[1]))
    return rows


def findings(report: Path) -> list[tuple[str, str, str]]:
    data = json.loads(report.read_text())
    out = []
    for kind in KINDS:
        for category, items in data.get(kind, {}).items():
            for item in items:
                path = re.sub(r"\d+", "<n>", item.get("path", ""))
                out.append((category, path, item.get("info", "")[:160]))
    return out


def main() -> None:
    doc, reports = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
    allowed = explained(doc)
    unexplained = []
    total = 0
    for report in reports:
        for category, path, info in findings(report):
            total += 1
            if (category, path) not in allowed:
                unexplained.append(f"{report.name}: {category} at {path}: {info}")
    print(f"wapiti: {total} findings in {len(reports)} reports, {len(unexplained)} unexplained")
    for line in sorted(set(unexplained)):
        print("  " + line)
    sys.exit(1 if unexplained else 0)


if __name__ == "__main__":
    main()
