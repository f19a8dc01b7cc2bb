"""pmo.engine must stay pure: no Django, no other pmo module (DESIGN.md)."""

import ast
import subprocess
import sys
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "src" / "pmo" / "engine"
FORBIDDEN_ROOTS = {"django", "rest_framework", "django_filters", "drf_spectacular"}


def imported_modules(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_engine_imports_neither_django_nor_other_pmo_modules():
    offenders = []
    for path in sorted(ENGINE.rglob("*.py")):
        for module in imported_modules(path):
            root = module.split(".")[0]
            if root in FORBIDDEN_ROOTS or (
                module.startswith("pmo") and not module.startswith("pmo.engine")
            ):
                offenders.append(f"{path.relative_to(ENGINE.parent)} imports {module}")
    assert offenders == []


def test_import_linter_contract_holds():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ENGINE.parent.parent.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
