"""Logging: the library's own logger, and the SDKs' loggers kept quiet during its calls.

* rulelaw_llm logs its own events (each request, re-asks that ran out, each finished report)
  through the ``rulelaw_llm`` logger and its children, at DEBUG and INFO. The package adds
  only a ``NullHandler`` to that logger, so nothing is printed unless the application
  configures logging (``logging.basicConfig(level=logging.INFO)``, or a handler on
  ``logging.getLogger("rulelaw_llm")``).
* instructor, openai, httpx and httpx2 log for themselves, and instructor logs at ERROR what
  rulelaw_llm handles on purpose ("API call failed on attempt 1…", "Max retries
  exceeded…"); with no logging configured Python prints such records on stderr. So, when a
  ``Summarizer`` or ``AsyncSummarizer`` is created or runs, a filter is attached to those
  named loggers (and only to them). It drops their records **while a rulelaw_llm call runs**
  (a context variable, so it follows threads and asyncio tasks) and passes them on to the
  ``rulelaw_llm.third_party`` logger at DEBUG instead. Outside rulelaw_llm's calls the
  filter lets everything through, so other users of those libraries in the same process
  see no change. Nothing happens at import time.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

__all__ = ["THIRD_PARTY_LOGGERS", "during_library_call", "library_call", "quiet_third_party"]

#: The top-level loggers of the libraries the LLM backend calls.
THIRD_PARTY_LOGGERS = ("instructor", "openai", "httpx", "httpx2")

_inside_library_call: ContextVar[bool] = ContextVar("rulelaw_llm_call", default=False)
_forward = logging.getLogger("rulelaw_llm.third_party")


class _QuietDuringLibraryCalls(logging.Filter):
    """Drop a third-party record emitted during a rulelaw_llm call; forward it at DEBUG."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _inside_library_call.get():
            return True
        if _forward.isEnabledFor(logging.DEBUG):
            try:
                message = record.getMessage()
            except (TypeError, ValueError):  # a malformed third-party record
                message = str(record.msg)
            _forward.debug("%s %s: %s", record.levelname, record.name, message)
        return False


_FILTER = _QuietDuringLibraryCalls()


def quiet_third_party() -> None:
    """Attach the filter to every logger of instructor, openai, httpx and httpx2 (idempotent).

    A filter on a logger sees only records logged on that very logger (not its children's),
    so it goes on each existing one; call again after more of those modules are imported.
    """
    known = list(logging.root.manager.loggerDict)
    names = {name for name in known if name.split(".")[0] in THIRD_PARTY_LOGGERS}
    for name in sorted(names | set(THIRD_PARTY_LOGGERS)):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


@contextmanager
def library_call() -> Iterator[None]:
    """Mark the code inside as a rulelaw_llm call: third-party records are kept quiet."""
    quiet_third_party()
    token = _inside_library_call.set(True)
    try:
        yield
    finally:
        _inside_library_call.reset(token)


_Function = TypeVar("_Function", bound=Callable[..., Any])


def during_library_call(function: _Function) -> _Function:
    """Decorate a method (sync or async) so that its whole run is a ``library_call``."""
    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def run_async(*args: Any, **kwargs: Any) -> Any:
            with library_call():
                return await cast(Callable[..., Awaitable[Any]], function)(*args, **kwargs)

        return cast(_Function, run_async)

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        with library_call():
            return function(*args, **kwargs)

    return cast(_Function, run)
