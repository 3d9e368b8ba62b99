"""Limits checked before any work: a hostile or broken file cannot take the machine with it.

A report is a few tens of kilobytes of text. What is read is bounded before it is parsed:

    a text file or a web page     its size ≤ ``max_input_mb``
    a web page                    its nesting depth ≤ ``max_html_depth`` (counted on the bytes)
    a .docx (any zip container)   each member's uncompressed size ≤ ``max_unpacked_mb`` and,
                                  for members over 1 MB, compression ratio ≤ ``max_ratio``
                                  (read from the zip directory: nothing is inflated first)
    a .pdf                        its size ≤ ``max_unpacked_mb``, its pages ≤ ``max_pdf_pages``
    the text taken from any file  ≤ ``max_input_mb`` (UTF-8), and ≤ ``max_numbers`` numbers

``max_unpacked_mb``, ``max_pdf_pages`` and ``max_numbers`` follow ``max_input_mb`` unless
set (10 ×, 100 pages and 5,000 numbers per MB), so the one command-line option
``--max-input-mb`` raises them together. Every refusal is an ``InputLimitError`` whose
message names the limit and how to raise it.

Memory of the rest of the pipeline is linear in the text and in the numbers it holds
(every number becomes an indicator with its quote): about 20 × the input for text shaped
like reports, more for text that is nothing but numbers (``bench/memory.py``). The limits
keep both kinds under about 1 GB by default: 20 MB of report text, 100,000 numbers.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from rulelaw_llm.errors import InputError, InputLimitError, os_error_reason

__all__ = [
    "DEFAULT_LIMITS",
    "InputLimits",
    "check_html_depth",
    "check_numbers",
    "check_pdf_pages",
    "check_size",
    "check_text",
    "check_zip",
    "html_depth",
]

_MB = 1_000_000
#: Members smaller than this may compress as well as they like (a tiny XML part of 1 KB at
#: 300:1 hurts nobody); the ratio is checked above it.
_RATIO_FLOOR = _MB
_HOW = "（命令行 --max-input-mb N；Python 中 InputLimits(max_input_mb=N)）"


@dataclass(frozen=True, slots=True, kw_only=True)
class InputLimits:
    """How large an input may be before it is refused (see the module docstring)."""

    max_input_mb: float = 20.0
    """The largest text file or web page, and the most text taken from any file (MB)."""
    max_unpacked_mb: float | None = None
    """The largest uncompressed member of a .docx, and the largest .pdf file (MB);
    ``None``: 10 × ``max_input_mb``."""
    max_ratio: float = 100.0
    """The highest compression ratio of a .docx member over 1 MB (a zip bomb's is ~1,000)."""
    max_pdf_pages: int | None = None
    """The most pages of a .pdf; ``None``: 100 per MB of ``max_input_mb`` (2,000 by default)."""
    max_html_depth: int = 10_000
    """The deepest nesting of a web page's tags (unclosed ``<p>`` tags nest too)."""
    max_numbers: int | None = None
    """The most numbers (runs of digits) in one input's text; ``None``: 5,000 per MB of
    ``max_input_mb`` (100,000 by default). A report has tens to hundreds; a collection of a
    thousand reports about 70,000."""

    def __post_init__(self) -> None:
        if self.max_input_mb <= 0 or self.max_ratio <= 0 or self.max_html_depth <= 0:
            raise InputError("输入上限必须为正数（如 --max-input-mb 50）。")

    @property
    def unpacked_mb(self) -> float:
        """The effective limit of an uncompressed member or a PDF file, in MB."""
        return self.max_unpacked_mb if self.max_unpacked_mb is not None else 10 * self.max_input_mb

    @property
    def numbers(self) -> int:
        """The effective limit of numbers in one input."""
        if self.max_numbers is not None:
            return self.max_numbers
        return max(1, int(5_000 * self.max_input_mb))

    @property
    def pdf_pages(self) -> int:
        """The effective limit of a PDF's pages."""
        if self.max_pdf_pages is not None:
            return self.max_pdf_pages
        return max(1, int(100 * self.max_input_mb))


DEFAULT_LIMITS = InputLimits()


def _mb(size: float) -> str:
    return f"{size / _MB:,.1f}"


def _suggest(needed_mb: float) -> str:
    """A value of ``--max-input-mb`` that lets this input through, rounded up."""
    return f"{max(1, int(needed_mb) + 1):d}"


def check_size(path: Path, limits: InputLimits, *, packed: bool = False) -> None:
    """Refuse a file larger than ``max_input_mb`` (``packed``: ``max_unpacked_mb``)."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputError(f"无法读取 {path}：{os_error_reason(error)}") from error
    limit_mb = limits.unpacked_mb if packed else limits.max_input_mb
    if size <= limit_mb * _MB:
        return
    needed = size / _MB / (10 if packed and limits.max_unpacked_mb is None else 1)
    raise InputLimitError(
        f"{path.name} 有 {_mb(size)} MB，超过输入上限 {limit_mb:g} MB，未处理：一份报告通常"
        "不到 1 MB，这可能是多份报告的合集或别的文件。确认要处理时请调大上限"
        f"{_HOW}，如 --max-input-mb {_suggest(needed)}；合集可先用 rulelaw-llm split 拆成单份。",
        limit="max_unpacked_mb" if packed else "max_input_mb",
    )


def check_text(text: str | bytes, limits: InputLimits, *, name: str) -> None:
    """Refuse text (or raw bytes) larger than ``max_input_mb`` once encoded as UTF-8."""
    limit = limits.max_input_mb * _MB
    if isinstance(text, bytes):
        size = len(text)
    elif len(text) * 4 <= limit:
        return  # a character is 1–4 bytes: only text that may be over the limit is measured
    else:
        size = len(text.encode("utf-8", errors="surrogatepass"))
    if size <= limit:
        return
    raise InputLimitError(
        f"{name} 的文字有 {_mb(size)} MB，超过输入上限 {limits.max_input_mb:g} MB，未处理："
        "一份报告的正文通常不到 1 MB。确认要处理时请调大上限"
        f"{_HOW}，如 --max-input-mb {_suggest(size / _MB)}。",
        limit="max_input_mb",
    )


_NUMBER = re.compile(r"\d+")


def check_numbers(text: str, limits: InputLimits, *, name: str) -> None:
    """Refuse text holding more numbers than ``max_numbers`` (counted, not parsed)."""
    limit = limits.numbers
    if len(text) < 2 * limit:
        return  # a number takes a digit and a separator: short text cannot be over it
    count = sum(1 for _ in _NUMBER.finditer(text))
    if count <= limit:
        return
    needed = count / 5_000 if limits.max_numbers is None else limits.max_input_mb
    raise InputLimitError(
        f"{name} 中有 {count:,} 个数字，超过上限 {limit:,} 个，未处理：一份报告通常只有几十到"
        "几百个数字，这么多数字的文字（如整张数据表或导出的数据）处理起来很占内存，结果也不是"
        f"报告的指标。确认要处理时请调大上限{_HOW}（数字上限为每 MB 5,000 个），"
        f"如 --max-input-mb {_suggest(needed)}。",
        limit="max_numbers",
    )


def check_zip(path: Path, limits: InputLimits) -> None:
    """Refuse a zip container (.docx) with a member too large or too compressed, before reading.

    The sizes come from the zip's central directory; ``zipfile`` never inflates a member past
    the size written there, so checking them bounds what the reader can be made to unpack.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip at all: the reader says what the file is
    limit = limits.unpacked_mb * _MB
    for member in members:
        size, packed = member.file_size, member.compress_size
        if size > limit:
            raise InputLimitError(
                f"{path.name} 中的 {member.filename} 解压后有 {_mb(size)} MB，超过上限 "
                f"{limits.unpacked_mb:g} MB，未处理：正常的报告文档解压后只有几 MB，这个文件"
                f"可能已损坏或是压缩炸弹。确认文件可信时请调大上限{_HOW}"
                f"（解压上限为它的 10 倍），如 --max-input-mb {_suggest(size / _MB / 10)}。",
                limit="max_unpacked_mb",
            )
        ratio = size / max(packed, 1)
        if size > _RATIO_FLOOR and ratio > limits.max_ratio:
            raise InputLimitError(
                f"{path.name} 中的 {member.filename} 压缩比为 {ratio:,.0f}:1（{_mb(packed)} MB "
                f"解压为 {_mb(size)} MB），超过上限 {limits.max_ratio:g}:1，未处理：这像是压缩炸弹，"
                "正常的 Word 文档压缩比在 20:1 以下。请用 Word/WPS 打开后另存为 .docx 或 .txt；"
                "确认文件可信时，Python 中可用 InputLimits(max_ratio=…) 放宽。",
                limit="max_ratio",
            )


def check_pdf_pages(pages: int, limits: InputLimits, *, name: str) -> None:
    """Refuse a PDF with more pages than ``max_pdf_pages``."""
    if pages <= limits.pdf_pages:
        return
    needed = pages / 100 if limits.max_pdf_pages is None else limits.max_input_mb
    raise InputLimitError(
        f"{name} 有 {pages:,} 页，超过上限 {limits.pdf_pages:,} 页，未处理：一份报告通常只有"
        f"几页到几十页。确认要处理时请调大上限{_HOW}（页数上限为每 MB 100 页），"
        f"如 --max-input-mb {_suggest(needed)}；或只导出报告所在的页。",
        limit="max_pdf_pages",
    )


# A comment's start, or a tag: its end mark, its name, and a self-closing slash.
_TAG = re.compile(r"<!--|<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>")
#: Elements without content: they never nest (as the HTML parser treats them).
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "keygen",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
#: Elements whose content is text, not markup, up to their end tag.
_RAW_TEXT = frozenset({"script", "style", "textarea", "title"})


def html_depth(markup: str) -> int:
    """How deep the tags of ``markup`` nest, as a tree builder that closes nothing implicitly
    would build them: an end tag closes its element and every element opened inside it.

    One pass, no recursion: comments and the text of scripts and styles are skipped whole.
    """
    lowered = markup.lower()
    open_tags: list[str] = []
    counts: dict[str, int] = {}
    deepest = 0
    position = 0
    while (match := _TAG.search(markup, position)) is not None:
        position = match.end()
        if match.group(2) is None:  # a comment: skip to its end
            end = markup.find("-->", position)
            if end < 0:
                break
            position = end + 3
            continue
        name = match.group(2).lower()
        if match.group(1):  # an end tag
            if not counts.get(name):
                continue  # closes nothing that is open
            while open_tags:
                closed = open_tags.pop()
                counts[closed] -= 1
                if closed == name:
                    break
            continue
        if name in _VOID or match.group(3):
            continue
        open_tags.append(name)
        counts[name] = counts.get(name, 0) + 1
        deepest = max(deepest, len(open_tags))
        if name in _RAW_TEXT:
            # Its content is text up to its end tag, which the next search then finds.
            end = lowered.find(f"</{name}", position)
            if end < 0:
                break
            position = end
    return deepest


def check_html_depth(markup: str, limits: InputLimits, *, name: str) -> None:
    """Refuse a page whose tags nest deeper than ``max_html_depth``."""
    depth = html_depth(markup)
    if depth <= limits.max_html_depth:
        return
    raise InputLimitError(
        f"{name} 的标签嵌套 {depth:,} 层，超过上限 {limits.max_html_depth:,} 层，未处理："
        "正常的网页只有几十层，这个文件可能已损坏或是特意构造的。请在浏览器中打开后复制正文，"
        "另存为 .txt；确认文件可信时，Python 中可用 InputLimits(max_html_depth=…) 放宽。",
        limit="max_html_depth",
    )
