"""rulelaw_llm: grounded structured data and digests from 法治政府建设年度报告.

The public surface is re-exported here; everything else is an internal module.
"""

from rulelaw_llm.audit import Audit, Finding, audit
from rulelaw_llm.categories import CATEGORIES
from rulelaw_llm.document import Item, Report, Section, load_report
from rulelaw_llm.errors import (
    BudgetExceededError,
    ConfigurationError,
    ExtractionError,
    InputError,
    ProviderError,
    RulelawError,
)
from rulelaw_llm.export import to_frames
from rulelaw_llm.offline import summarize_offline
from rulelaw_llm.quantities import Quantity, find_quantities
from rulelaw_llm.render import to_markdown
from rulelaw_llm.schema import (
    Achievement,
    Evidence,
    Indicator,
    Plan,
    Problem,
    ReportSummary,
)
from rulelaw_llm.settings import Price, Settings
from rulelaw_llm.summarizer import AsyncSummarizer, Summarizer

__all__ = [
    "Achievement",
    "AsyncSummarizer",
    "Audit",
    "BudgetExceededError",
    "CATEGORIES",
    "ConfigurationError",
    "Evidence",
    "ExtractionError",
    "Finding",
    "Indicator",
    "InputError",
    "Item",
    "Plan",
    "Price",
    "Problem",
    "ProviderError",
    "Quantity",
    "Report",
    "ReportSummary",
    "RulelawError",
    "Section",
    "Settings",
    "Summarizer",
    "audit",
    "find_quantities",
    "load_report",
    "summarize_offline",
    "to_frames",
    "to_markdown",
]
