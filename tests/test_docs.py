"""The docs cannot rot: the site builds with --strict, and every code block of every page runs.

* ``mkdocs build --strict`` runs here (skipped only when MkDocs is not installed and ``CI`` is
  not set; in CI a missing MkDocs fails).
* Every fenced block of ``docs/**/*.md`` and README.md: ``python`` blocks are executed in order,
  one namespace per page; ``bash`` blocks line by line: a plain ``rulelaw-llm`` line through
  ``rulelaw_llm.cli.main`` in this process (globs expanded as bash would), ``export`` as
  variables, any other line with bash; in a fresh folder per page that holds ``examples/`` (the
  repository's), ``报告.txt`` (a sample), ``报告/`` (the five samples) and ``合集.txt`` (the
  five in one file). Output blocks (``text``, ``json`` …) are not code; ``json`` ones must parse.
  A fence without a language, or with another one, fails the test: nothing is left out unseen.
* A block after ``<!-- docs-test: model -->`` needs a model: it runs against the FAKE model
  behind a real local HTTP server (``tests/fakes.py``); every base URL in it is pointed at
  that server and every provider's key variable is set to a fake key. It is never skipped.
* A block after ``<!-- docs-test: batch-api -->`` sends batch jobs: it runs against the
  stand-in Batch API server (``tests/batch_server.py``) in the same way.
* Install lines (``pip install …``) are not run: the extras they name must exist. The
  README's quick-start block is run by ``.ci/run`` itself, exactly as written.
"""

from __future__ import annotations

import contextlib
import glob
import importlib.util
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from tests.batch_server import StandInBatchServer
from tests.conftest import REPORTS, ROOT
from tests.fakes import serve_fake_model

DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
README = ROOT / "README.md"
RUN = {"python", "bash"}
SHOWN = {"text", "json", "toml", "yaml"}
_FENCE = re.compile(
    r"^(?P<indent> *)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.M | re.S
)
_MARK = re.compile(r"<!-- docs-test: ([a-z-]+) -->\s*$")
_URL = re.compile(r"https?://[A-Za-z0-9.\-]+(?::\d+)?/v1")
_INSTALL = re.compile(r"^\s*(?:python -m )?pip install (?:-e )?\"?\.\[?([a-z,\-]*)\]?\"?")
QUICKSTART = [
    "python -m pip install -e . && rulelaw-llm summarize examples/reports/shenzha-zhen-2024.txt",
    'python -m pip install -e ".[test]" && python -m pytest --record-mode=none --block-network',
]


@dataclass(frozen=True)
class Block:
    """One fenced code block of a page."""

    page: Path
    line: int
    language: str
    code: str
    mark: str | None

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    found = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").splitlines()
        mark = _MARK.search(before[-1]) if before else None
        indent = len(match.group("indent"))
        code = "\n".join(line[indent:] for line in match.group("body").splitlines())
        found.append(
            Block(
                page=page,
                line=text.count("\n", 0, match.start()) + 1,
                language=match.group("info").strip().split(" ")[0],
                code=code + "\n",
                mark=mark.group(1) if mark else None,
            )
        )
    return found


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def _extras() -> set[str]:
    """The extras of pyproject.toml (read by hand: tomllib is Python 3.11+)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = text.split("[project.optional-dependencies]", 1)[1].split("\n[", 1)[0]
    return set(re.findall(r"^([a-z][a-z\-]*) = \[", section, re.M))


# --------------------------------------------------------------------------- the site


def test_the_site_builds_with_strict(tmp_path: Path) -> None:
    try:
        import material  # noqa: F401
        import mkdocs  # noqa: F401
        import mkdocstrings  # noqa: F401
    except ImportError:
        if _in_ci():
            pytest.fail('CI 中缺少 MkDocs，文档构建不能跳过：python -m pip install -e ".[docs]"')
        pytest.skip('需要 MkDocs：python -m pip install -e ".[docs]"')
    site = tmp_path / "site"
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr[-4000:]
    cli = (site / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    assert "rulelaw-llm batch" in cli and "130" in cli
    assert (site / "assets" / "screenshots" / "review-corpus.png").exists()


def _hooks() -> ModuleType:
    """docs/hooks.py, the MkDocs hook that writes the generated parts of the reference."""
    spec = importlib.util.spec_from_file_location("docs_hooks", DOCS / "hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_cli_reference_names_every_command_and_option() -> None:
    import argparse

    from rulelaw_llm.cli import EXIT_CODES, _parser

    hooks = _hooks()
    reference = hooks.cli_reference()
    commands = next(
        action for action in _parser()._actions if isinstance(action, argparse._SubParsersAction)
    )
    missing = [
        f"{name} {option}"
        for name, parser in commands.choices.items()
        for action in parser._actions
        for option in action.option_strings
        if option not in ("-h", "--help") and f"`{option}`" not in reference
    ]
    assert [f"## {name}" for name in commands.choices if f"## {name}\n" not in reference] == []
    assert missing == []
    codes = hooks.exit_codes()
    assert all(f"`{code}`" in codes for code in EXIT_CODES)


def test_each_task_is_two_clicks_from_the_navigation() -> None:
    config = yaml.safe_load(
        (ROOT / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "python")
    )

    def depth(nav: list[object], level: int = 1) -> Iterator[tuple[str, int]]:
        for entry in nav:
            assert isinstance(entry, dict)
            for value in entry.values():
                if isinstance(value, str):
                    yield value, level
                else:
                    yield from depth(value, level + 1)

    clicks = dict(depth(config["nav"]))
    for page in ("guide/providers.md", "guide/batch.md", "guide/tables.md"):
        assert clicks[page] <= 2, page
    for page in ("guide/audit.md", "guide/review.md", "getting-started/model.md"):
        assert clicks[page] <= 2, page
    assert sorted(clicks) == sorted(str(p.relative_to(DOCS)) for p in PAGES)  # none unlisted


def test_the_readme_is_short_and_keeps_the_two_quick_start_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 10_000
    quickstart = text.split("<!-- ci:quickstart -->", 1)[1]
    (first,) = blocks_of_text(quickstart)[:1]
    assert first.strip().splitlines() == QUICKSTART


def blocks_of_text(text: str) -> list[str]:
    return [match.group("body") for match in _FENCE.finditer(text)]


# --------------------------------------------------------------------------- every block


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with the files the docs' examples name; the current directory while they run."""
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    shutil.copy(REPORTS / "shenzha-zhen-2024.txt", tmp_path / "报告.txt")
    folder = tmp_path / "报告"
    folder.mkdir()
    samples = sorted(REPORTS.glob("*.txt"))
    for sample in samples:
        shutil.copy(sample, folder / sample.name)
    collection = "".join(path.read_text(encoding="utf-8").rstrip("\n") + "\n" for path in samples)
    (tmp_path / "合集.txt").write_text(collection, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith("RULELAW_") or name.endswith("_API_KEY"):
            monkeypatch.delenv(name)
    return tmp_path


def _model_environment(base_url: str) -> dict[str, str]:
    from rulelaw_llm.llm.providers import PRESETS

    keys = {preset.key_env: "fake-key" for preset in PRESETS.values() if preset.key_env}
    return {**keys, "RULELAW_BASE_URL": base_url, "RULELAW_MODEL": "fake-model"}


def _check_installs(block: Block) -> str:
    """The script without its install lines, after checking that each names real extras."""
    kept = []
    for line in block.code.splitlines():
        install = _INSTALL.match(line)
        if install is None:
            kept.append(line)
            continue
        named = {extra for extra in install.group(1).split(",") if extra}
        assert named <= _extras(), f"{block.where}: 没有这些 extra：{named - _extras()}"
    return "\n".join(kept) + "\n"


def _words(line: str) -> list[str] | None:
    """The arguments of a plain ``rulelaw-llm`` line, globs expanded as bash would; or None.

    A line with a pipe, a redirection, ``&&``, a variable or a subshell is left to bash.
    """
    if not line.startswith("rulelaw-llm ") or re.search(r"[|<>&;$`]", line.split(" #")[0]):
        return None
    words = []
    for word in shlex.split(line, comments=True)[1:]:
        quoted = f"'{word}'" in line or f'"{word}"' in line
        matches = sorted(glob.glob(word)) if not quoted and any(c in word for c in "*?[") else []
        words += matches or [word]
    return words


def _bash(line: str, folder: Path, block: Block) -> None:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", line],
        cwd=folder,
        env={**os.environ, "PATH": path},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{block.where} 运行失败：{line}\n{done.stderr[-3000:]}"


def _run_bash(
    block: Block, folder: Path, environment: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run a shell block line by line: ``rulelaw-llm`` lines in this process (the command's
    own code, without an interpreter's start per line), ``export`` lines as variables,
    anything else with bash."""
    from rulelaw_llm.cli import main

    script = _check_installs(block)
    base_url = environment.get("base_url")
    if base_url is not None:
        script = _URL.sub(base_url, script)
    with monkeypatch.context() as patch:
        for name, value in environment.items():
            if name != "base_url":
                patch.setenv(name, value)
        for raw in script.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("export "):
                for assignment in shlex.split(line, comments=True)[1:]:
                    name, _, value = assignment.partition("=")
                    if not (base_url and name == "RULELAW_BASE_URL"):
                        patch.setenv(name, value)
                continue
            words = _words(line)
            if words is None:
                _bash(line, folder, block)
                continue
            output, errors = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(output), contextlib.redirect_stderr(errors):
                code = main(words)
            assert code == 0, (
                f"{block.where} 运行失败（{code}）：{line}\n{errors.getvalue()[-3000:]}"
            )


def _run_python(
    block: Block,
    namespace: dict[str, object],
    environment: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code = block.code
    if "base_url" in environment:
        code = _URL.sub(environment["base_url"], code)
    with monkeypatch.context() as patch:
        for name, value in environment.items():
            if name != "base_url":
                patch.setenv(name, value)
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(compile(code, block.where, "exec"), namespace)


PAGES_WITH_CODE = [page for page in [*PAGES, README] if blocks(page)]


# The fake model listens on 127.0.0.1; every other host stays blocked under --block-network.
@pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])
@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_code_block_of_the_page_runs(
    page: Path, sandbox: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    namespace: dict[str, object] = {"__name__": "__docs__"}
    with contextlib.ExitStack() as stack:
        fake_url: str | None = None
        batch_url: str | None = None
        for block in blocks(page):
            if block.language in SHOWN:
                if block.language == "json":
                    import json

                    json.loads(block.code)
                continue
            assert block.language in RUN, f"{block.where}: 代码块须标明语言（python、bash 或输出）"
            if page == README and block.code.strip().splitlines() == QUICKSTART:
                continue  # .ci/run runs the quick start exactly as written
            environment: dict[str, str] = {}
            if block.mark == "model":
                if fake_url is None:
                    fake_url = stack.enter_context(serve_fake_model())
                environment = {**_model_environment(fake_url), "base_url": fake_url}
            elif block.mark == "batch-api":
                if batch_url is None:
                    server = StandInBatchServer()
                    batch_url = server.start()
                    stack.callback(server.stop)
                environment = {**_model_environment(batch_url), "base_url": batch_url}
            else:
                assert block.mark is None, f"{block.where}: 未知的标记 {block.mark}"
            if block.language == "bash":
                _run_bash(block, sandbox, environment, monkeypatch)
            else:
                _run_python(block, namespace, environment, monkeypatch)
