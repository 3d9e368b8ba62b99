"""A SQLite cache of results, safe under concurrency (WAL), keyed by everything that matters.

The key is a hash of the cleaned text, the endpoint (provider, base URL, model, mode), the
prompt version and prompt files, the result schema, and the generation settings: change
any of them and the cache misses. A hit costs no tokens and is re-validated on load (the
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
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path

from pydantic import ValidationError

from rulelaw_llm.document import Report
from rulelaw_llm.errors import ConfigurationError
from rulelaw_llm.prompts import PROMPT_VERSION, prompt_sources
from rulelaw_llm.providers import ProviderConfig
from rulelaw_llm.schema import SCHEMA_VERSION, Evidence, ReportSummary
from rulelaw_llm.settings import Settings

__all__ = ["ResultCache", "cache_key", "default_cache_path"]


def default_cache_path() -> Path:
    """The user cache directory: XDG on Linux, Library/Caches on macOS, LOCALAPPDATA on Windows."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "rulelaw-llm" / "results.sqlite3"


@functools.cache
def _fingerprint() -> str:
    """What the code asks and expects: the prompt files and the result schema."""
    digest = hashlib.sha256()
    for name, text in sorted(prompt_sources().items()):
        digest.update(f"{name}\n{text}\n".encode())
    digest.update(json.dumps(ReportSummary.model_json_schema(), sort_keys=True).encode("utf-8"))
    return digest.hexdigest()


def cache_key(report: Report, config: ProviderConfig | None, settings: Settings | None) -> str:
    """The cache key of one report under one configuration (``None`` = the rules backend)."""
    parts: dict[str, object] = {
        "text": hashlib.sha256(report.text.encode("utf-8")).hexdigest(),
        "schema_version": SCHEMA_VERSION,
        "fingerprint": _fingerprint(),
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
            prompt_version=PROMPT_VERSION,
        )
    if settings is not None:
        # The price table, timeout and concurrency change cost and speed, not the answer.
        parts["settings"] = {
            item.name: getattr(settings, item.name)
            for item in fields(settings)
            if item.name not in ("prices", "timeout", "concurrency")
        }
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
            raise ConfigurationError(
                f"无法打开缓存 {self.path}：{error}。可用 --cache 指定其他位置，或 --no-cache。"
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
