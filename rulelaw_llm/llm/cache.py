"""A SQLite cache of results, safe under concurrency (WAL), keyed by everything that matters.

The key is a hash of the cleaned text, the endpoint (provider, base URL, model, mode), the
prompt version, the result schema, the generation settings and the fingerprint of the
library's own code (``code_fingerprint``: every source and data file of the package and
every prompt file, so prompt text held in code is covered too): change any of them, even
one character of the digest template, and the cache misses. A hit costs no tokens and is re-validated on load (the
JSON against the schema, every evidence span against the text); a stale or damaged entry is
dropped and counts as a miss. Keys never include the API key.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
import sys
import threading
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from pydantic import ValidationError

from rulelaw_llm.errors import ConfigurationError, os_error_reason
from rulelaw_llm.llm.prompts import PROMPT_VERSION, prompt_sources
from rulelaw_llm.llm.providers import ProviderConfig
from rulelaw_llm.llm.settings import Settings, answer_settings
from rulelaw_llm.reading.document import Report
from rulelaw_llm.schema import SCHEMA_VERSION, Evidence, ReportSummary

__all__ = ["ResultCache", "cache_key", "code_fingerprint", "default_cache_path"]


def default_cache_path() -> Path:
    """The user cache directory: XDG on Linux, Library/Caches on macOS, LOCALAPPDATA on Windows."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "rulelaw-llm" / "results.sqlite3"


def _fingerprint_sources() -> list[Path]:
    """The folders whose files make up the library: the package, and its prompt folder.

    Installed, the prompts are package data (``rulelaw_llm/prompts``); in a source checkout
    or an editable install they sit beside the package in ``prompts/``.
    """
    package = Path(__file__).resolve().parents[1]
    if (package / "prompts").is_dir():
        return [package]
    return [package, package.parent / "prompts"]


def fingerprint_of(folders: Iterable[Path]) -> str:
    """A hash of the name and content of every file under ``folders`` (bytecode excluded)."""
    digest = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            continue
        files = sorted(
            path
            for path in folder.rglob("*")
            if path.is_file()
            and "__pycache__" not in path.parts
            and path.suffix not in (".pyc", ".pyo")
        )
        for path in files:
            name = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            digest.update(name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.cache
def code_fingerprint() -> str:
    """The fingerprint of this library's code, prompt files and data, computed once per process.

    A result depends on all of it: the rules, the prompts (files and text held in code, such
    as re-ask messages and field descriptions), the checks and the digest template.
    """
    digest = hashlib.sha256(fingerprint_of(_fingerprint_sources()).encode("ascii"))
    # Every text the model reads, prompt files and text built in code, named explicitly.
    for name, text in sorted(prompt_sources().items()):
        digest.update(f"{name}\n{text}\n".encode())
    return digest.hexdigest()[:16]


@functools.cache
def _schema_fingerprint() -> str:
    schema = json.dumps(ReportSummary.model_json_schema(), sort_keys=True)
    return hashlib.sha256(schema.encode("utf-8")).hexdigest()[:16]


def cache_key(report: Report, config: ProviderConfig | None, settings: Settings | None) -> str:
    """The cache key of one report under one configuration (``None`` = the rules backend)."""
    parts: dict[str, object] = {
        "text": hashlib.sha256(report.text.encode("utf-8")).hexdigest(),
        "schema_version": SCHEMA_VERSION,
        "code": code_fingerprint(),
        "schema": _schema_fingerprint(),
    }
    if config is None:
        parts["backend"] = "rules"
    else:
        parts.update(
            backend="llm",
            provider=config.provider,
            base_url=config.public_base_url,
            model=config.model,
            mode=config.mode,
            extra_body=dict(config.extra_body),
            # What the request really carries: the table's rules for the model and any
            # parameter the provider refused earlier in the run (``fallback``).
            strict=config.capability.strict,
            temperature_rule=config.capability.temperature,
            downgrades=list(config.downgrades),
            prompt_version=PROMPT_VERSION,
        )
    if settings is not None:
        parts["settings"] = answer_settings(settings)
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _grounded(summary: ReportSummary, report: Report) -> bool:
    evidences: list[Evidence] = [a.evidence for a in summary.achievements]
    evidences += [i.evidence for i in summary.indicators]
    evidences += [p.evidence for p in summary.problems]
    evidences += [p.evidence for p in summary.plans]
    evidences += [p.cause_evidence for p in summary.problems if p.cause_evidence is not None]
    return all(report.text[e.start : e.end] == e.quote for e in evidences)


class ResultCache:
    """A SQLite file of finished summaries. One instance may be shared by threads and tasks."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_cache_path()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=NORMAL")
            self._connection.execute(
                "CREATE TABLE IF NOT EXISTS results ("
                " key TEXT PRIMARY KEY, summary TEXT NOT NULL, created_at TEXT NOT NULL)"
            )
            self._connection.commit()
        except (OSError, sqlite3.Error) as error:
            reason = os_error_reason(error) if isinstance(error, OSError) else str(error)
            raise ConfigurationError(
                f"无法打开缓存 {self.path}：{reason}。可用 --cache 指定其他位置，或 --no-cache。"
            ) from error
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str, report: Report) -> ReportSummary | None:
        """The cached summary for ``key``, re-validated against ``report``; else ``None``."""
        with self._lock:
            row = self._connection.execute(
                "SELECT summary FROM results WHERE key = ?", (key,)
            ).fetchone()
        if row is None:
            self.misses += 1
            return None
        try:
            summary = ReportSummary.model_validate_json(row[0])
        except ValidationError:
            summary = None
        if summary is None or not _grounded(summary, report):
            self.delete(key)
            self.misses += 1
            return None
        self.hits += 1
        return summary

    def put(self, key: str, summary: ReportSummary) -> None:
        """Store a finished summary."""
        with self._lock:
            self._connection.execute(
                "INSERT OR REPLACE INTO results (key, summary, created_at) VALUES (?, ?, ?)",
                (key, summary.model_dump_json(), datetime.now(timezone.utc).isoformat()),
            )
            self._connection.commit()

    def delete(self, key: str) -> None:
        """Forget one entry."""
        with self._lock:
            self._connection.execute("DELETE FROM results WHERE key = ?", (key,))
            self._connection.commit()

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._connection.close()

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
