"""The one error tree of rulelaw_llm.

    RulelawError
    ├── ConfigurationError   nothing (or something wrong) is configured: says what to set
    ├── InputError           a report cannot be read: empty, binary, unknown encoding, missing file
    ├── ProviderError        the LLM provider refused the request (wraps the SDK error)
    │   ├── ProviderUnreachableError   the server could not be reached at all
    │   └── BudgetExceededError   the per-report token budget ran out
    └── ExtractionError      the model never produced a usable answer (carries every attempt)

Every message is written for the person running the tool: what went wrong and what to do.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "BudgetExceededError",
    "ConfigurationError",
    "ExtractionError",
    "InputError",
    "ProviderError",
    "ProviderUnreachableError",
    "RulelawError",
]


class RulelawError(Exception):
    """Base class of every error rulelaw_llm raises on purpose."""


class ConfigurationError(RulelawError):
    """The library is not configured well enough to do what was asked."""


class InputError(RulelawError):
    """A report could not be read or is not a report (empty, binary, undecodable)."""


class ProviderError(RulelawError):
    """The LLM provider answered with an error that retrying will not fix.

    ``status_code`` is the HTTP status when there was one; the SDK exception is chained
    as ``__cause__``.
    """

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class ProviderUnreachableError(ProviderError):
    """No connection could be made to the server (refused, unknown host, no route).

    Every later request to the same base URL would fail alike, so a batch stops after a
    run of them.
    """


class BudgetExceededError(ProviderError):
    """The token budget configured for one report was used up before the work was done."""


class ExtractionError(RulelawError):
    """The model's answers could not be turned into a result.

    ``attempts`` holds the raw outputs of every attempt (newest last) so nothing is lost.
    """

    def __init__(self, message: str, *, attempts: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.attempts = list(attempts)

    @property
    def last_output(self) -> str | None:
        """The raw text of the last attempt, if any."""
        return self.attempts[-1] if self.attempts else None
