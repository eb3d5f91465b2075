"""dvc.yaml declares exactly the code each stage runs: every xldistill module a stage's script
imports, directly or through other modules, is a dependency, so DVC reruns a stage when it changes."""

import ast

import pytest
import yaml

from conftest import PROJECT

SHARED = {"xldistill/cli.py", "xldistill/params.py", "xldistill/errors.py"}  # no effect on any output
STAGES = yaml.safe_load((PROJECT / "dvc.yaml").read_text())["stages"]


def module_closure(path, seen=None) -> set[str]:
    seen = set() if seen is None else seen
    for node in ast.walk(ast.parse((PROJECT / path).read_text())):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("xldistill"):
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names if alias.name.startswith("xldistill")]
        for name in names:
            module = name.replace(".", "/") + ".py"
            if (PROJECT / module).exists() and module not in seen:
                seen.add(module)
                module_closure(module, seen)
    return seen


@pytest.mark.parametrize("name", sorted(STAGES))
def test_a_stage_depends_on_every_module_it_imports(name):
    stage = STAGES[name]
    script = stage["cmd"].split()[2].replace(".", "/") + ".py"
    declared = {dep for dep in stage["deps"] if isinstance(dep, str)}
    assert script in declared
    assert module_closure(script) - SHARED <= declared, sorted(module_closure(script) - SHARED - declared)
    stale = {dep for dep in declared if dep.startswith("xldistill/")} - module_closure(script)
    assert not stale, sorted(stale)
