"""Print the package import graph of pysrc/solvent, lines per package and the largest functions
(the figures of issue #14: which layer imports which; run it before and after a restructuring).

Usage: python scripts/layers_report.py [pysrc/solvent]
"""
from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path


def package_of(root: Path, path: Path) -> str:
    rel = path.relative_to(root)
    return rel.parts[0].removesuffix(".py") if len(rel.parts) > 1 else rel.stem


def resolve(module: str | None, level: int, path: Path, root: Path) -> str | None:
    if level == 0:
        if module and module.startswith("solvent."):
            return module.split(".")[1]
        return None
    rel = path.relative_to(root).parts[:-1]
    base = list(rel[: len(rel) - (level - 1)]) if level > 1 else list(rel)
    parts = base + (module.split(".") if module else [])
    return parts[0] if parts else None


def is_module(name: str, level: int, path: Path, root: Path) -> bool:
    """Whether ``from {'.' * level} import name`` in ``path`` names a module or package."""
    here = path.parent
    for _ in range(level - 1):
        here = here.parent
    # a source module, a package, or an extension module / stub (`_native.abi3.so`, `_native.pyi`)
    return (here / name).is_dir() or any(here.glob(f"{name}.*"))


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "pysrc/solvent")
    edges: dict[str, set[str]] = defaultdict(set)
    lines: dict[str, int] = defaultdict(int)
    funcs: list[tuple[int, str]] = []
    local_imports = 0
    for path in sorted(root.rglob("*.py")):
        src = path.read_text()
        pkg = package_of(root, path)
        lines[pkg] += src.count("\n")
        tree = ast.parse(src)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                funcs.append((n, f"{path.relative_to(root)}:{node.name}"))
                for sub in ast.walk(node):
                    if isinstance(sub, (ast.Import, ast.ImportFrom)) and sub is not node:
                        local_imports += 1
            targets: list[str | None] = []
            if isinstance(node, ast.ImportFrom):
                if node.level and not node.module:
                    # `from .. import x`: x is a submodule, or a name of the package itself
                    # (`from .. import __version__` imports the root package, not a package
                    # named `__version__`)
                    targets = [resolve(a.name, node.level, path, root) if is_module(a.name, node.level, path, root)
                               else resolve(None, node.level, path, root) or "__init__" for a in node.names]
                else:
                    targets = [resolve(node.module, node.level, path, root)]
            elif isinstance(node, ast.Import):
                targets = [resolve(a.name, 0, path, root) for a in node.names]
            for t in targets:
                if t and t != pkg:
                    edges[pkg].add(t)
    print("package imports (package -> packages it imports):")
    for pkg in sorted(lines):
        print(f"  {pkg:14} -> {', '.join(sorted(edges[pkg])) or '-'}")
    print("\nlines per package:")
    for pkg, n in sorted(lines.items(), key=lambda x: -x[1]):
        print(f"  {pkg:14} {n:6}")
    print(f"  {'total':14} {sum(lines.values()):6}")
    print(f"\nfunction-level imports: {local_imports}")
    print("\nlargest functions (lines):")
    for n, name in sorted(funcs, reverse=True)[:8]:
        print(f"  {n:4}  {name}")


if __name__ == "__main__":
    main()
