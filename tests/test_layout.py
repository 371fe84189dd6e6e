"""Imports go one way (docs/architecture.md): a change that crosses a room's wall fails here.

Every import in the code is read, those inside functions included, since a lazy import
couples two rooms as tightly as one at the top of a file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OURS = ("models", "feedback", "mis", "awaaz")

# Each room, and the rooms it may import besides itself. The shell's rooms are
# `awaaz.<room>`; the top of `awaaz` only re-exports the factory.
ALLOWED = {
    "models": set(),
    "feedback": {"models"},
    "mis": {"models"},
    "awaaz.web": {"models"},
    "awaaz.security": {"models", "feedback", "awaaz.web"},
    "awaaz.console": {"models", "feedback", "mis", "awaaz.web", "awaaz.security"},
    "awaaz.api": {"models", "feedback", "mis", "awaaz.web", "awaaz.security"},
    "awaaz.ops": {"models", "feedback", "mis", "awaaz.web", "awaaz.security"},
    "awaaz.app": {
        "models",
        "feedback",
        "mis",
        "awaaz.web",
        "awaaz.security",
        "awaaz.console",
        "awaaz.api",
        "awaaz.ops",
    },
    "awaaz": {"awaaz.app"},
}


def room(module: str) -> str | None:
    """The room a dotted module name belongs to, or None when it is not ours."""
    parts = module.split(".")
    if parts[0] not in OURS:
        return None
    if parts[0] == "awaaz" and len(parts) > 1 and f"awaaz.{parts[1]}" in ALLOWED:
        return f"awaaz.{parts[1]}"
    return parts[0]


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported(path: Path, root: Path) -> list[tuple[int, str]]:
    """Every name `path` imports, as absolute dotted names, with its line: `from a import b`
    gives `a.b`, since b may be a module of a's room (`from awaaz import api`)."""
    here = module_name(path, root)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names]
    return found


def sources() -> list[Path]:
    files = []
    for top in OURS:
        files += [p for p in (ROOT / top).rglob("*.py") if "versions" not in p.parts]
    return sorted(files)


def crossings(files: list[Path], root: Path = ROOT) -> list[str]:
    wrong = []
    for path in files:
        mine = room(module_name(path, root))
        for line, name in imported(path, root):
            theirs = room(name)
            if theirs is None or theirs == mine or theirs in ALLOWED[mine]:
                continue
            wrong.append(f"{path.relative_to(root)}:{line} ({mine}) imports {name} ({theirs})")
    return wrong


def test_imports_go_one_way() -> None:
    wrong = crossings(sources())
    assert not wrong, "imports across the allowed direction:\n" + "\n".join(wrong)


def test_every_module_belongs_to_a_room() -> None:
    """A new top-level module in the shell would belong to no room and escape the rules."""
    loose = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "awaaz").glob("*.py")
        if p.name not in ("__init__.py", "__main__.py")
    ]
    assert loose == []


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("from mis import engine\n", "feedback/leak.py"),
        ("from awaaz.console import paper\n", "awaaz/api/leak.py"),
        ("def f():\n    from awaaz.app import cli\n", "awaaz/security/leak.py"),
        ("from ..console import codes\n", "awaaz/ops/leak.py"),
    ],
)
def test_a_crossing_import_is_caught(tmp_path: Path, source: str, module: str) -> None:
    """The check itself can fail: a planted import across a wall is reported."""
    planted = tmp_path / module
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_text(source)
    assert len(crossings([planted], tmp_path)) == 1
