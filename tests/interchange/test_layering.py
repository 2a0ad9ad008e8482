"""Which way the imports point: ``interchange`` may use claims and sources, never the other way
(only the URL wiring in config names it), and no module reaches for another's private names."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("claims", "sources", "interchange")
PROJECT = (*APPS, "config")


def modules(*packages: str) -> list[Path]:
    return sorted(
        path
        for package in packages
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    )


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names imported from it) for each import statement of the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
        elif isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
    return found


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


@pytest.mark.parametrize("package", ["claims", "sources"])
def test_claims_and_sources_never_import_interchange(package):
    offenders = [
        str(path.relative_to(ROOT))
        for path in modules(package)
        if any(module.split(".")[0] == "interchange" for module, _names in imports(path))
    ]
    assert offenders == []


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
    offenders = {str(path.relative_to(ROOT)): private_uses(path) for path in modules(*APPS)}
    assert {path: uses for path, uses in offenders.items() if uses} == {}


def test_the_check_sees_both_ways_of_reaching_a_private_name(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from sources.services import _hidden, public\nfrom sources import services\n"
        "from sources.models import Source\nimport json\n"
        "services._other()\nservices.public()\njson._private\nSource._meta\n"
    )
    assert private_uses(sample) == ["sources.services._hidden", "services._other"]
