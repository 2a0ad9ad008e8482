"""The layout holds (README, "Code layout"): which folder may import which, read from the
source by following every import, so a rule cannot be broken through a third module."""

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("config", "core", "api", "sources", "claims", "interchange")
# What the frame is: the program's start and wiring, and nothing a feature is built from.
FRAME = {
    "config",
    "config.settings",
    "config.env",
    "config.urls",
    "config.wsgi",
    "config.asgi",
    "config.server",
    "config.request_guard",
    "config.localdb",
    "config.db_router",
    "config.postgres",
    "config.postgres.base",
    "config.pytest_plugin",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found[module_name(path)] = path
    return found


def imported_names(source: str) -> set[str]:
    """Every module name an ``import`` or ``from … import`` names, a name imported from a
    package counted as its submodule when it is one."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


@cache
def direct_imports(module: str) -> frozenset[str]:
    """The project's modules that ``module`` imports, with the packages that load on the way."""
    known = modules()
    found = set()
    for name in imported_names(known[module].read_text()):
        parts = name.split(".")
        found |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)} & known.keys()
    found.discard(module)
    return frozenset(found)


def reached(module: str) -> set[str]:
    seen, todo = set(), [module]
    while todo:
        for name in direct_imports(todo.pop()):
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return seen


def path_to(start: str, forbidden: str) -> list[str] | None:
    """The chain of imports from ``start`` to a module of package ``forbidden``, if any."""
    parents: dict[str, str] = {}
    todo = [start]
    while todo:
        current = todo.pop(0)
        for name in sorted(direct_imports(current)):
            if name in parents or name == start:
                continue
            parents[name] = current
            if name.split(".")[0] == forbidden:
                chain = [name]
                while chain[-1] != start:
                    chain.append(parents[chain[-1]])
                return chain[::-1]
            todo.append(name)
    return None


def of(package: str) -> list[str]:
    return sorted(name for name in modules() if name.split(".")[0] == package)


# Which package may never reach which (directly or through others).
FORBIDDEN = [
    ("core", "api"),
    ("core", "sources"),
    ("core", "claims"),
    ("core", "interchange"),
    ("core", "config"),
    ("api", "sources"),
    ("api", "claims"),
    ("api", "interchange"),
    ("api", "config"),
    ("sources", "claims"),
    ("sources", "interchange"),
    ("claims", "interchange"),
]


@pytest.mark.parametrize(("package", "forbidden"), FORBIDDEN, ids=lambda value: value)
def test_package_never_reaches(package, forbidden):
    chains = [chain for module in of(package) if (chain := path_to(module, forbidden))]
    assert not chains, f"{package} reaches {forbidden}: " + "; ".join(" -> ".join(c) for c in chains)


def test_config_holds_only_the_frame():
    assert set(of("config")) <= FRAME, (
        f"not the frame, move them to core/, api/ or an app: {sorted(set(of('config')) - FRAME)}"
    )


@pytest.mark.parametrize("module", ["core.models", "sources.models", "claims.models"])
def test_models_load_no_api_machinery(module):
    """A model module (and whatever it loads) never imports DRF or the API package."""
    loaded = {module} | reached(module)
    offenders = sorted(
        name
        for name in loaded
        if name.split(".")[0] == "api"
        or any(
            imported.split(".")[0] in {"rest_framework", "drf_spectacular"}
            for imported in imported_names(modules()[name].read_text())
        )
    )
    assert not offenders, f"{module} loads the API machinery through {offenders}"


# The checker itself: it finds a chain through a third module, and a plain import.


def test_checker_follows_imports_through_other_modules(monkeypatch, tmp_path):
    sources = {
        "sources.views": "from interchange.csl import Mixin\n",
        "interchange.csl": "from claims import models\n",
        "claims.models": "import core.models\n",
        "core.models": "",
        "sources": "",
        "interchange": "",
        "claims": "",
        "core": "",
    }
    files = {}
    for name, text in sources.items():
        path = tmp_path / f"{name}.py"
        path.write_text(text)
        files[name] = path
    monkeypatch.setattr(f"{__name__}.modules", lambda: files)
    direct_imports.cache_clear()
    try:
        assert path_to("sources.views", "claims") == ["sources.views", "interchange.csl", "claims"]
        assert path_to("claims.models", "sources") is None
        assert reached("sources.views") == {
            "interchange",
            "interchange.csl",
            "claims",
            "claims.models",
            "core",
            "core.models",
        }
    finally:
        direct_imports.cache_clear()
