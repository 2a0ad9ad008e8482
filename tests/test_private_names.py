"""No module reaches for another module's private names: what is shared is made public (which
way the imports point between folders is tests/test_layout.py)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ("config", "core", "api", "sources", "claims", "interchange", "benchmarks")


def modules(*packages: str) -> list[Path]:
    return sorted(
        path
        for package in packages
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def project_module(dotted: str) -> bool:
    base = ROOT.joinpath(*dotted.split("."))
    return dotted.split(".")[0] in PROJECT and (base.with_suffix(".py").exists() or base.is_dir())


def private_uses(path: Path) -> list[str]:
    """``module._name`` for each private name of a project module the file imports, or reads
    as an attribute of the module. (Django's own ``Model._meta`` is a documented API.)"""
    found = []
    modules_bound = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in PROJECT:
            found += [f"{node.module}.{alias.name}" for alias in node.names if private(alias.name)]
            modules_bound |= {
                alias.asname or alias.name
                for alias in node.names
                if project_module(f"{node.module}.{alias.name}")
            }
        elif isinstance(node, ast.Import):
            bound = {alias.asname or alias.name for alias in node.names if project_module(alias.name)}
            modules_bound |= bound
    found += [
        f"{node.value.id}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in modules_bound
        and private(node.attr)
    ]
    return found


def test_no_module_uses_a_private_name_of_another():
    offenders = {str(path.relative_to(ROOT)): private_uses(path) for path in modules(*PROJECT)}
    assert {path: uses for path, uses in offenders.items() if uses} == {}


def test_the_check_sees_both_ways_of_reaching_a_private_name(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from sources.services import _hidden, public\nfrom sources import services\n"
        "from sources.models import Source\nimport json\n"
        "services._other()\nservices.public()\njson._private\nSource._meta\n"
    )
    assert private_uses(sample) == ["sources.services._hidden", "services._other"]
