"""The pre-commit hooks, run by a real `pre-commit` against a throwaway git repository.

The hook repository is this source tree as it is now (copied and committed in a
temporary folder, so the test needs no commit of the working tree and works
from a clean clone). pre-commit builds the hook's virtualenv itself with pip,
which fetches netlint's dependencies from the package index; when no index is
reachable the tests skip and say so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HOOK_REPO_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src", "rules",
                   "schemas")
NO_INDEX = ("Could not find a version that satisfies", "No matching distribution found",
            "NewConnectionError", "Temporary failure in name resolution",
            "Network is unreachable", "Max retries exceeded")
BUGGY = (ROOT / "examples" / "buggy" / "stacked-lstm.yaml").read_text()
FIXED = (ROOT / "examples" / "stacked-lstm.yaml").read_text()


def _git_env(home: Path) -> dict:
    """Git with a known identity and no user or system config (hooksPath, signing...)."""
    empty = home / "gitconfig"
    empty.touch()
    return {**os.environ, "GIT_CONFIG_GLOBAL": str(empty), "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
            "PRE_COMMIT_HOME": str(home / "pre-commit-home"), "PRE_COMMIT_COLOR": "never"}


def run(args: list, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=600)
    output = result.stdout + result.stderr
    if result.returncode != 0 and any(words in output for words in NO_INDEX):
        pytest.skip("pre-commit could not install the hook environment: pip reached no "
                    f"package index for netlint's dependencies\n{output[-2000:]}")
    return result


def pre_commit(*args: str) -> list:
    return [sys.executable, "-m", "pre_commit", *args]


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pytest.importorskip("pre_commit", reason="pre-commit is a test dependency: "
                                             "pip install -e '.[test]'")
    home = tmp_path_factory.mktemp("precommit")
    env = _git_env(home)
    hook_repo = home / "netlint"
    hook_repo.mkdir()
    for name in HOOK_REPO_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, hook_repo / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "_data"))
        else:
            shutil.copy2(source, hook_repo / name)
    for args in (["git", "init", "-q"], ["git", "add", "-A"],
                 ["git", "commit", "-q", "-m", "netlint as it is now"]):
        subprocess.run(args, cwd=hook_repo, env=env, check=True, capture_output=True)
    return hook_repo, env


def user_repo(parent: Path, env: dict, name: str) -> Path:
    repo = parent / name
    (repo / "models").mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=repo, env=env, check=True)
    (repo / "ci.yaml").write_text("jobs: {build: {runs-on: ubuntu-latest}}\n")  # not a model
    return repo


HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())


@pytest.mark.parametrize("path, is_model", [
    ("models/lstm.yaml", True), ("src/model/net.yml", True), ("netlint/a.yaml", True),
    ("nets/forecast.netlint.yaml", True), ("forecast.model.yml", True),
    ("models/.netlint.yaml", False), (".netlint.yaml", False),  # netlint's config file
    ("ci.yaml", False), (".github/workflows/ci.yml", False), ("mymodels/a.yaml", False),
    ("models/readme.md", False),
])
def test_hook_file_patterns(path, is_model):
    import re

    for hook in HOOKS:
        selected = bool(re.search(hook["files"], path)) and \
            not re.search(hook["exclude"], path) and path.endswith((".yaml", ".yml"))
        assert selected == is_model, (hook["id"], path)


def test_hooks_run_the_commands_that_exist():
    from typer.testing import CliRunner

    from netlint.cli import app

    assert [hook["id"] for hook in HOOKS] == ["netlint", "netlint-fix", "netlint-diagram"]
    fixing = next(hook for hook in HOOKS if hook["id"] == "netlint-fix")
    assert fixing["entry"] == "netlint check --fix"  # pre-commit fails a commit it changed
    for hook in HOOKS:
        assert hook["language"] == "python" and hook["types"] == ["yaml"]
        command = hook["entry"].split()
        assert command[0] == "netlint"
        assert CliRunner().invoke(app, [*command[1:], "--help"]).exit_code == 0


@pytest.mark.slow  # pre-commit builds a fresh virtualenv per try-repo run: ~15 s each
def test_try_repo_fails_on_the_buggy_model_and_passes_on_the_fixed_one(sandbox):
    hook_repo, env = sandbox
    repo = user_repo(hook_repo.parent, env, "try-repo")
    (repo / "models" / "stacked.yaml").write_text(BUGGY)
    subprocess.run(["git", "add", "-A"], cwd=repo, env=env, check=True)
    failing = run(pre_commit("try-repo", str(hook_repo), "netlint", "--files",
                             "models/stacked.yaml", "ci.yaml"), repo, env)
    output = failing.stdout + failing.stderr
    assert failing.returncode == 1, output
    assert "netlint" in output and "Failed" in output
    assert "models/stacked.yaml:21:5: NL104 [error]" in output
    assert "ci.yaml" not in output.split("Failed", 1)[1]  # the files: pattern skipped it

    (repo / "models" / "stacked.yaml").write_text(FIXED)
    passing = run(pre_commit("try-repo", str(hook_repo), "netlint", "--files",
                             "models/stacked.yaml"), repo, env)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout


@pytest.mark.slow
def test_installed_hooks_block_a_commit_until_model_and_diagram_are_right(sandbox):
    hook_repo, env = sandbox
    repo = user_repo(hook_repo.parent, env, "installed")
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=hook_repo, env=env, check=True,
                         capture_output=True, text=True).stdout.strip()
    diagram_format = "svg" if shutil.which("dot") else "dot"  # svg needs Graphviz's dot
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n"
        f"      - id: netlint\n      - id: netlint-diagram\n"
        f"        args: [--format, {diagram_format}]\n")
    assert run(pre_commit("install"), repo, env).returncode == 0
    model = repo / "models" / "stacked.yaml"
    model.write_text(BUGGY)
    (repo / "models" / ".netlint.yaml").write_text("ignore: [NL202]\n")  # found by walking up
    subprocess.run(["git", "add", "-A"], cwd=repo, env=env, check=True)

    blocked = run(["git", "commit", "-m", "add model"], repo, env)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0
    assert "models/stacked.yaml:21:5: NL104 [error]" in output
    assert "NL202" not in output and ".netlint.yaml:" not in output
    assert _commits(repo, env) == 0

    model.write_text(FIXED)
    subprocess.run(["git", "add", "-A"], cwd=repo, env=env, check=True)
    drawn = run(["git", "commit", "-m", "add model"], repo, env)
    diagram = model.with_suffix(f".{diagram_format}")
    assert drawn.returncode != 0, "the diagram hook must fail when it writes a diagram"
    assert diagram.exists()
    assert f"updated: models/stacked.{diagram_format}" in drawn.stdout + drawn.stderr

    subprocess.run(["git", "add", "-A"], cwd=repo, env=env, check=True)
    committed = run(["git", "commit", "-m", "add model"], repo, env)
    assert committed.returncode == 0, committed.stdout + committed.stderr
    assert _commits(repo, env) == 1
    again = run(pre_commit("run", "--all-files"), repo, env)  # nothing left to change
    assert again.returncode == 0, again.stdout + again.stderr


def _commits(repo: Path, env: dict) -> int:
    result = subprocess.run(["git", "rev-list", "--count", "--all"], cwd=repo, env=env,
                            capture_output=True, text=True)
    return int(result.stdout.strip() or 0) if result.returncode == 0 else 0
