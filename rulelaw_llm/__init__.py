"""rulelaw_llm: grounded structured data and digests from 法治政府建设年度报告.

The public surface is re-exported here; everything else is an internal module.

``import rulelaw_llm`` stays light: the LLM backend (``Summarizer``, ``AsyncSummarizer``, and
with them openai and instructor) and the batch runner and cache (``BatchRunner``,
``ResultCache``) are imported on first use, so the rules path (``load_report``,
``summarize_offline``) never loads the SDKs.

Logging: the library logs through the ``rulelaw_llm`` logger, which has a ``NullHandler``;
nothing is printed unless the application configures logging. See ``rulelaw_llm.logs``.
"""

import logging as _logging
import typing as _typing

from rulelaw_llm.auditing.audit import Audit, Finding, audit
from rulelaw_llm.categories import CATEGORIES
from rulelaw_llm.corpus.export import to_frames
from rulelaw_llm.corpus.render import to_markdown
from rulelaw_llm.errors import (
    BudgetExceededError,
    ConfigurationError,
    ExtractionError,
    InputError,
    InputLimitError,
    ProviderError,
    ResultsBusyError,
    RulelawError,
)
from rulelaw_llm.llm.settings import Price, Settings
from rulelaw_llm.reading.detection import Detection, ReportStart, detect_reports
from rulelaw_llm.reading.document import Item, Report, Section, load_report, load_reports
from rulelaw_llm.reading.limits import InputLimits
from rulelaw_llm.results import Results, read_results
from rulelaw_llm.rules.offline import summarize_offline
from rulelaw_llm.rules.quantities import Quantity, find_quantities
from rulelaw_llm.schema import (
    Achievement,
    ClaimSource,
    DigestClaim,
    Evidence,
    Indicator,
    Plan,
    Problem,
    ReportSummary,
)

if _typing.TYPE_CHECKING:
    from rulelaw_llm.corpus.batch import BatchApiOptions, BatchRunner
    from rulelaw_llm.llm.cache import ResultCache
    from rulelaw_llm.llm.summarizer import AsyncSummarizer, Summarizer

# A library adds only a NullHandler to its own logger (Python logging HOWTO), so records
# never reach ``logging.lastResort`` on stderr; applications decide what is shown.
_logging.getLogger(__name__).addHandler(_logging.NullHandler())

#: Public names loaded by ``__getattr__`` on first use: the LLM backend (openai/instructor)
#: and the batch runner and cache (asyncio, sqlite3), which the rules path does not need.
_LAZY = {
    "AsyncSummarizer": "rulelaw_llm.llm.summarizer",
    "BatchApiOptions": "rulelaw_llm.corpus.batch",
    "BatchRunner": "rulelaw_llm.corpus.batch",
    "ResultCache": "rulelaw_llm.llm.cache",
    "Summarizer": "rulelaw_llm.llm.summarizer",
}

__all__ = [
    "Achievement",
    "AsyncSummarizer",
    "Audit",
    "BatchApiOptions",
    "BatchRunner",
    "BudgetExceededError",
    "CATEGORIES",
    "ClaimSource",
    "ConfigurationError",
    "Detection",
    "DigestClaim",
    "Evidence",
    "ExtractionError",
    "Finding",
    "Indicator",
    "InputError",
    "InputLimitError",
    "InputLimits",
    "Item",
    "Plan",
    "Price",
    "Problem",
    "ProviderError",
    "Quantity",
    "Report",
    "ReportStart",
    "ReportSummary",
    "ResultCache",
    "Results",
    "ResultsBusyError",
    "RulelawError",
    "Section",
    "Settings",
    "Summarizer",
    "audit",
    "detect_reports",
    "find_quantities",
    "load_report",
    "load_reports",
    "read_results",
    "summarize_offline",
    "to_frames",
    "to_markdown",
]


def __getattr__(name: str) -> object:
    """Import the LLM backend on first use (PEP 562), keeping ``import rulelaw_llm`` light."""
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
