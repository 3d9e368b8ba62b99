"""Reading report files in the formats they are published in: text, .docx, .pdf and web pages.

This module sits below ``document``: ``read_source`` turns a path, a text or bytes into raw
text (``decode_bytes`` for text files, ``read_document`` for the other formats), and
``document.load_report`` cleans and analyses it. ``read_document`` returns the raw text of a
file, one paragraph (or table row) per line. The libraries for .docx (python-docx), .pdf
(pypdf) and web pages (beautifulsoup4) are optional extras, imported only when a file of
that kind is read; a missing one raises ``InputError`` with the command that installs it.
"""

from __future__ import annotations

import glob
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rulelaw_llm.errors import InputError, os_error_reason
from rulelaw_llm.reading.limits import (
    DEFAULT_LIMITS,
    InputLimits,
    check_html_depth,
    check_numbers,
    check_pdf_pages,
    check_size,
    check_text,
    check_zip,
)
from rulelaw_llm.reading.webpage import META_TAG_NAMES, metadata_pairs

if TYPE_CHECKING:
    from bs4.element import Tag
    from docx.document import Document as DocxDocument
    from docx.table import Table

__all__ = [
    "SUPPORTED_SUFFIXES",
    "expand_inputs",
    "TEXT_SUFFIXES",
    "decode_bytes",
    "read_document",
    "read_source",
]

#: File suffixes that ``load_report`` reads as plain text.
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md"})

#: Every suffix ``read_document`` reads.
SUPPORTED_SUFFIXES = (*sorted(TEXT_SUFFIXES), ".docx", ".pdf", ".html", ".htm")

#: Separates the cells of a table row on its line (a full-width space, as in Chinese forms).
CELL_SEPARATOR = "\u3000"


def read_document(path: Path, *, limits: InputLimits = DEFAULT_LIMITS) -> str:
    """The raw text of the report file at ``path``, chosen by its suffix.

    Plain text (.txt, .text, .md) is decoded as UTF-8, UTF-16 or GB18030; .docx gives its
    paragraphs and table rows in document order; .pdf gives the text layer of every page;
    .html/.htm gives the main text of the page without navigation, headers and footers.
    ``limits`` are checked before the file is parsed (``rulelaw_llm.reading.limits``).
    Raises ``InputError`` for an unsupported, unreadable or empty file, a scanned PDF, or a
    missing optional library (naming the command that installs it), and ``InputLimitError``
    for a file over a limit.
    """
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        check_size(path, limits)
        return decode_bytes(_read_bytes(path), name=str(path))
    try:
        if suffix == ".docx":
            text = _read_docx(path, limits)
        elif suffix == ".pdf":
            text = _read_pdf(path, limits)
        elif suffix in {".html", ".htm"}:
            text = _read_html(path, limits)
        else:
            text = None
    except RecursionError as error:
        # A parser's recursion on a crafted file: a one-line answer, never a traceback.
        raise InputError(
            f"{path.name} 的结构嵌套过深，无法读取（文件可能已损坏或是特意构造的）："
            "请打开原文件另存为 .txt 后重试。"
        ) from error
    if text is not None:
        check_text(text, limits, name=path.name)
        return text
    shown = suffix or "（无扩展名）"
    raise InputError(
        f"{path.name}：不支持 {shown} 格式。支持的格式：{'、'.join(SUPPORTED_SUFFIXES)}；"
        "请将报告另存为 .docx 或 .txt（UTF-8）后重试。"
    )


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InputError(f"无法读取 {path}：{os_error_reason(error)}") from error


def _missing(library: str, extra: str, suffix: str) -> InputError:
    return InputError(
        f"读取 {suffix} 文件需要 {library}，当前环境未安装：请运行 "
        f'pip install "rulelaw-llm[{extra}]"（或 pip install {library}）。'
    )


# --------------------------------------------------------------------------- .docx


def _read_docx(path: Path, limits: InputLimits) -> str:
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
        from lxml.etree import LxmlError
    except ImportError as error:
        raise _missing("python-docx", "docx", ".docx") from error
    from zipfile import BadZipFile

    check_size(path, limits, packed=True)
    check_zip(path, limits)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, BadZipFile, KeyError, ValueError, LxmlError) as error:
        # LxmlError: XML that is broken or over lxml's own limits ("Resource limit exceeded").
        raise InputError(
            f"{path.name} 不是有效的 .docx 文件（可能已损坏，或是改了扩展名的旧版 .doc）："
            "请用 Word/WPS 打开后另存为 .docx 或 .txt。"
        ) from error
    except OSError as error:
        raise InputError(f"无法读取 {path}：{os_error_reason(error)}") from error
    text = "\n".join(_docx_lines(document))
    if not text.strip():
        raise InputError(f"{path.name} 中没有文字：请确认报告正文在文档中（而不是图片）。")
    return text


def _docx_lines(document: DocxDocument) -> Iterator[str]:
    """Paragraphs and table rows in the order they stand in the body."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    # iter_inner_content walks the body's XML children (w:p, w:tbl), so a table stays
    # between the paragraphs it was written between.
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            yield block.text
        elif isinstance(block, Table):
            yield from _table_lines(block)


def _table_lines(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        seen: list[object] = []
        for cell in row.cells:
            # A horizontally merged cell is returned once per grid column it spans.
            if any(cell._tc is other for other in seen):
                continue
            seen.append(cell._tc)
            cells.append(" ".join(line.strip() for line in cell.text.splitlines() if line.strip()))
        if any(cells):
            yield CELL_SEPARATOR.join(cells)


# --------------------------------------------------------------------------- .pdf

#: Fewer letters and digits than this (and no Chinese) means the PDF has no usable text layer.
_MIN_TEXT_CHARACTERS = 20
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _read_pdf(path: Path, limits: InputLimits) -> str:
    try:
        import pypdf
        from pypdf.errors import DependencyError, FileNotDecryptedError, PyPdfError
    except ImportError as error:
        raise _missing("pypdf", "pdf", ".pdf") from error

    corrupt = (
        f"{path.name} 无法作为 PDF 读取（文件可能已损坏或不完整）：请重新下载，"
        "或提供 .docx / .txt 格式的报告。"
    )
    check_size(path, limits, packed=True)
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(
                f"{path.name} 是加密的 PDF，需要密码才能读取：请提供未加密的 PDF，"
                "或 .docx / .txt 格式的报告。"
            )
        check_pdf_pages(len(reader.pages), limits, name=path.name)
        pages: list[str] = []
        taken = 0
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            taken += len(pages[-1])
            if taken * 4 > limits.max_input_mb * 1_000_000:
                # Stop as soon as the text may be over the limit (checked exactly below).
                check_text("\n".join(pages), limits, name=path.name)
    except DependencyError as error:
        raise InputError(
            f"{path.name} 是加密的 PDF（AES），解密需要 cryptography：请运行 "
            "pip install cryptography，或提供未加密的文件。"
        ) from error
    except FileNotDecryptedError as error:
        raise InputError(
            f"{path.name} 是加密的 PDF，无法解密：请提供未加密的 PDF，或 .docx / .txt 格式的报告。"
        ) from error
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        raise InputError(corrupt) from error
    except OSError as error:
        raise InputError(f"无法读取 {path}：{os_error_reason(error)}") from error
    text = "\n".join(pages)
    letters = sum(1 for char in text if char.isalnum())
    if not _CJK.search(text) and letters < _MIN_TEXT_CHARACTERS:
        raise InputError(
            f"{path.name} 是扫描版 PDF，没有文字层（共 {len(pages)} 页，提取不到文字）："
            "请先用 OCR 软件识别为文字，或提供 .docx / .txt 格式的报告。"
        )
    return text


# --------------------------------------------------------------------------- web pages

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
#: Declared encodings decoded with a superset: pages labelled GB2312 routinely use GBK characters.
_ENCODING_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "gb_2312-80": "gb18030",
    "cp936": "gb18030",
    "utf8": "utf-8",
}

_DROPPED_TAGS = (
    "script",
    "style",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "noscript",
    "iframe",
    "template",
    "svg",
    "button",
    "select",
    "head",
)
_NOISE = re.compile(
    r"nav|menu|footer|header|breadcrumb|share|sidebar|crumb|copyright|bottom|top", re.IGNORECASE
)
_CONTENT = re.compile(r"content|article|zoom|TRS_Editor|main|detail|text", re.IGNORECASE)
_BODY = re.compile(r"TRS_Editor|zoom", re.IGNORECASE)
_TITLE = re.compile(r"title|biaoti", re.IGNORECASE)
_REPORT_TITLE = re.compile(r"报告|总结")
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_CONTAINERS = frozenset({"div", "article", "section", "td", "main", "body"})
_BLOCKS = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "tr",
        "table",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "section",
        "article",
        "main",
        "blockquote",
        "pre",
        "center",
        "title",
    }
)
_CELLS = frozenset({"td", "th"})
#: A whitespace run that contains a line break: source wrapping, dropped between Chinese characters.
_SOURCE_BREAK = "\x00"
_WRAP = re.compile(r"[ \t\r\n\f\u00a0]*\n[ \t\r\n\f\u00a0]*")
_SPACES = re.compile(r"[ \t\r\f\u00a0]+")
_WIDE = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef“”‘’《》【】…—·]"
_JOIN_WIDE = re.compile(rf"(?<={_WIDE}){_SOURCE_BREAK}(?={_WIDE})")


def _read_html(path: Path, limits: InputLimits) -> str:
    try:
        from bs4 import BeautifulSoup
    except ImportError as error:
        raise _missing("beautifulsoup4", "html", ".html") from error

    check_size(path, limits)
    markup = _decode_html(_read_bytes(path), name=str(path))
    check_html_depth(markup, limits, name=path.name)
    soup = BeautifulSoup(markup, "html.parser")
    root = soup.body or soup
    metadata = [*_address_lines(soup, markup), *_meta_tag_lines(soup), *_metadata_lines(root)]
    _drop_noise(root)
    main = _main_element(root)
    text = _block_text(main)
    title = _page_title(main, text) or _document_title(soup, text)
    if title is not None:
        text = f"{title}\n{text}"
    if not text.strip():
        raise InputError(
            f"{path.name} 中没有找到正文：网页可能由脚本生成，或正文是图片。"
            "请在浏览器中打开后复制正文，另存为 .txt。"
        )
    # The page's metadata (table and <meta> tags) goes first, as "key：value" lines that
    # document.load_report takes out of the text into Report.metadata.
    present = set(text.split("\n"))
    kept = [line for line in dict.fromkeys(metadata) if line not in present]
    return "\n".join([*kept, text])


#: The address a browser or a saving tool wrote into a saved page: IE's "saved from url=(0077)…",
#: SingleFile's "url: …" in its opening comment.
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.IGNORECASE)
_SINGLEFILE_URL = re.compile(
    r"<!--[^>]{0,200}?Page saved with SingleFile[^>]*?\burl:\s*(\S+)", re.I
)


def _address_lines(soup: Tag, markup: str) -> list[str]:
    """The page's own address as a ``网址：…`` line: its canonical link, og:url, or the
    address a saving tool recorded; nothing when the page names none."""
    found: list[str] = []
    for element in soup.find_all("link"):
        relation = element.get("rel")
        relations = relation if isinstance(relation, list) else [relation]
        href = element.get("href")
        if "canonical" in relations and isinstance(href, str):
            found.append(href)
    for element in soup.find_all("meta"):
        if element.get("property") == "og:url" and isinstance(element.get("content"), str):
            found.append(str(element.get("content")))
    head = markup[:4096]
    found += [
        match.group(1)
        for match in (_SAVED_FROM.search(head), _SINGLEFILE_URL.search(head))
        if match
    ]
    addresses = [address.strip() for address in found if re.match(r"https?://", address.strip())]
    return [f"网址：{addresses[0]}"] if addresses else []


def _meta_tag_lines(soup: Tag) -> list[str]:
    """``<meta name="PubDate" content="…">`` and its kind as ``PubDate：…`` lines."""
    wanted = {name.lower(): name for name in META_TAG_NAMES}
    lines: list[str] = []
    for element in soup.find_all("meta"):
        name = element.get("name") or element.get("property")
        content = element.get("content")
        if not isinstance(name, str) or not isinstance(content, str):
            continue
        key = wanted.get(name.strip().lower())
        value = _SPACES.sub(" ", content).strip()
        if key is not None and value:
            lines.append(f"{key}：{value}")
    return lines


def _metadata_lines(root: Tag) -> list[str]:
    """The page's metadata lines (索引号, 发布机构, 发布时间, 来源 …) wherever they stand."""
    return [line for line in _block_text(root).split("\n") if metadata_pairs(line) is not None]


def _decode_html(data: bytes, *, name: str) -> str:
    """Decode a page with the charset its <meta> declares, else like any text file."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return decode_bytes(data, name=name)
    match = _META_CHARSET.search(data[:8192])
    if match:
        declared = match.group(1).decode("ascii").lower()
        encoding = _ENCODING_ALIASES.get(declared, declared)
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown declaration: detect the encoding from the bytes instead
    return decode_bytes(data, name=name)


def _cjk_count(element: Tag) -> int:
    return len(_CJK.findall(element.get_text()))


def _attribute_text(element: Tag) -> str:
    classes = element.get("class")
    identifier = element.get("id")
    class_text = " ".join(classes) if isinstance(classes, list) else (classes or "")
    return f"{identifier or ''} {class_text}"


def _drop_noise(root: Tag) -> None:
    """Remove scripts, styles, forms, navigation, headers, footers and similar page furniture."""
    from bs4.element import Comment

    for comment in root.find_all(string=lambda node: isinstance(node, Comment)):
        comment.extract()
    for element in root.find_all(_DROPPED_TAGS):
        if element.decomposed:
            continue
        # An <header> inside an article holds the article's own title, not the site's banner.
        if element.name == "header" and element.find_parent(("article", "main")) is not None:
            continue
        element.decompose()
    total = max(1, _cjk_count(root))
    for element in root.find_all(True):
        if element.decomposed or element is root:
            continue
        style = element.get("style")
        if isinstance(style, str) and _HIDDEN.search(style):
            element.decompose()
            continue
        attributes = _attribute_text(element)
        if not _NOISE.search(attributes):
            continue
        # A class such as "top-wrap" may belong to the wrapper of the whole page: an element
        # that holds most of the page's Chinese text is kept whatever its name says.
        if _cjk_count(element) * 2 > total:
            continue
        element.decompose()


def _main_element(root: Tag) -> Tag:
    """The element holding the report: a content container by name, else the densest block."""
    total = _cjk_count(root)
    if total == 0:
        return root
    named = [
        (element, count)
        for element in root.find_all(True)
        if _CONTENT.search(_attribute_text(element))
        and not _NOISE.search(_attribute_text(element))
        and (count := _cjk_count(element))
    ]
    marked = [
        (element, count) for element, count in named if _BODY.search(_attribute_text(element))
    ]
    # TRS_Editor and zoom name the article body itself; content, main, text… may name a
    # wrapper around it (with the metadata table and related links) or a small part of it.
    for group, least_share in ((marked, 0.2), (named, 0.5)):
        best = max((count for _, count in group), default=0)
        if best and best > least_share * total:
            # The innermost one that still holds at least half of the best one's text:
            # <div class="TRS_Editor"> rather than the <div class="main"> around it, but
            # not a <span class="text-red"> inside it.
            candidates = [element for element, count in group if count * 2 >= best]
            return max(candidates, key=lambda element: len(list(element.parents)))
    return _densest_container(root)


def _page_title(main: Tag, text: str) -> str | None:
    """The page's heading of the report when the body chosen does not repeat it."""
    ancestors = {id(parent) for parent in main.parents}
    for element in main.find_all_previous(True):
        if id(element) in ancestors:
            continue
        if element.name not in ("h1", "h2", "h3") and not _TITLE.search(_attribute_text(element)):
            continue
        title = _SPACES.sub(" ", element.get_text(" ", strip=True))
        if not (4 <= len(title) <= 80 and _REPORT_TITLE.search(title)):
            return None  # the nearest heading is not a report's title: do not guess further
        compact = re.sub(r"\s+", "", title)
        return None if compact in re.sub(r"\s+", "", text[:400]) else title
    return None


#: What separates a page's <title> from the site's name: "报告标题_某县人民政府", "… - 某市政府网".
_SITE_SUFFIX = re.compile(r"\s*(?:[_|｜]|\s[-–—]\s).*$")


def _document_title(soup: Tag, text: str) -> str | None:
    """The report's title from ``<title>`` (or an ArticleTitle meta) when the body has none.

    Many government pages carry the title only in the document head, followed by the site's
    name; the body then starts with the text. The title is taken only when it names a report
    and the first lines of the body do not already hold it.
    """
    candidates: list[str] = []
    for element in soup.find_all("meta"):
        name = element.get("name") or element.get("property")
        content = element.get("content")
        if (
            isinstance(name, str)
            and isinstance(content, str)
            and name.strip().lower() in ("articletitle", "og:title")
        ):
            candidates.append(content)
    if soup.title is not None:
        candidates.append(soup.title.get_text(" ", strip=True))
    head = re.sub(r"\s+", "", text[:400])
    for candidate in candidates:
        title = _SITE_SUFFIX.sub("", _SPACES.sub(" ", candidate).strip())
        if 4 <= len(title) <= 80 and _REPORT_TITLE.search(title):
            return None if re.sub(r"\s+", "", title) in head else title
    return None


def _densest_container(root: Tag) -> Tag:
    """The container whose own paragraphs hold the most Chinese text (half counts upward)."""
    from bs4.element import NavigableString, PreformattedString

    scores: dict[int, float] = {}
    elements: dict[int, Tag] = {}
    for node in root.descendants:
        if not isinstance(node, NavigableString) or isinstance(node, PreformattedString):
            continue
        count = len(_CJK.findall(node))
        if not count:
            continue
        weight = 1.0
        for parent in node.parents:
            if parent.name in _CONTAINERS:
                elements[id(parent)] = parent
                scores[id(parent)] = scores.get(id(parent), 0.0) + count * weight
                weight /= 2
                if weight < 0.25:
                    break
            if parent is root:
                break
    if not scores:
        return root
    return elements[max(scores, key=lambda key: scores[key])]


def _block_text(element: Tag) -> str:
    """The text of ``element`` with block elements (p, div, h1-h6, li, tr, br) on their own lines."""
    parts: list[str] = []
    _collect(element, parts)
    lines: list[str] = []
    for line in "".join(parts).split("\n"):
        line = _JOIN_WIDE.sub("", line).replace(_SOURCE_BREAK, " ")
        line = _SPACES.sub(" ", line).strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


#: Stands for "a block element ends here" on the walk's stack.
_BLOCK_END = object()


def _collect(element: Tag, parts: list[str]) -> None:
    """Append the text under ``element`` to ``parts``, walking with a stack (any depth)."""
    from bs4.element import NavigableString, PreformattedString, Tag

    stack: list[Iterator[object]] = [iter(element.children)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child is _BLOCK_END:
            parts.append("\n")
        elif isinstance(child, Tag):
            name = child.name
            if name == "br":
                parts.append("\n")
                continue
            if name in _CELLS:
                parts.append(CELL_SEPARATOR)
            elif name in _BLOCKS:
                parts.append("\n")
                stack.append(iter((_BLOCK_END,)))
            stack.append(iter(child.children))
        elif isinstance(child, NavigableString) and not isinstance(child, PreformattedString):
            parts.append(_WRAP.sub(_SOURCE_BREAK, str(child)))


# --------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes, *, name: str = "输入") -> str:
    """Decode a report file: UTF-8 (with or without BOM), UTF-16 or GB18030/GBK.

    Raises ``InputError`` for empty, binary or undecodable data rather than guessing.
    """
    if not data:
        raise InputError(f"{name} 是空文件：请提供报告正文。")
    if data.startswith(b"\xef\xbb\xbf"):
        return _checked(data[3:].decode("utf-8", errors="strict"), name, "UTF-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _checked(data.decode("utf-16"), name, "UTF-16")
        except UnicodeDecodeError as error:
            raise InputError(f"{name} 以 UTF-16 标记开头，但内容无法按 UTF-16 解码。") from error
    if b"\x00" in data:
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _plausible(text):
                return _checked(text, name, "UTF-16")
        raise InputError(f"{name} 看起来是二进制文件，不是文本报告：请先导出为 .txt（UTF-8）。")
    try:
        return _checked(data.decode("utf-8"), name, "UTF-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise InputError(
            f"{name} 的编码无法识别（不是 UTF-8、UTF-16 或 GB18030）：请另存为 UTF-8 文本后重试。"
        ) from error
    if not _plausible(text):
        raise InputError(
            f"{name} 既不是有效的 UTF-8，按 GB18030 解码后也不像中文文本：可能是二进制文件，"
            "或使用了其他编码。请另存为 UTF-8 文本后重试。"
        )
    return _checked(text, name, "GB18030")


def _plausible(text: str) -> bool:
    """Whether decoded text looks like a Chinese or ASCII document rather than noise."""
    if not text:
        return False
    good = 0
    for char in text:
        code = ord(char)
        if (
            char in "\n\r\t "
            or 0x20 <= code < 0x7F
            or 0x4E00 <= code <= 0x9FFF
            or 0x3000 <= code <= 0x303F
            or 0xFF00 <= code <= 0xFFEF
            or 0x2000 <= code <= 0x206F
            or char in "·—…“”‘’《》【】"
        ):
            good += 1
    return good / len(text) >= 0.95


def _checked(text: str, name: str, encoding: str) -> str:
    controls = sum(
        1 for char in text if unicodedata.category(char) == "Cc" and char not in "\n\r\t\f\v"
    )
    if controls > max(2, len(text) // 100):
        raise InputError(
            f"{name} 含有大量控制字符（按 {encoding} 解码），像是二进制文件：请提供文本格式的报告。"
        )
    return text


def _looks_like_path(source: str) -> bool:
    if "\n" in source or len(source) > 1024:
        return False
    if os.path.exists(source):
        return True
    suffix = Path(source).suffix.lower()
    return (
        bool(suffix)
        and suffix.isascii()
        and len(suffix) <= 6
        and (
            "/" in source
            or "\\" in source
            or suffix in TEXT_SUFFIXES
            or suffix in {".docx", ".doc", ".pdf", ".html", ".htm", ".wps"}
        )
    )


def read_source(
    source: str | os.PathLike[str] | bytes, *, limits: InputLimits | None = None
) -> tuple[str, str | None]:
    """Return the raw (uncleaned) text of ``source`` and the path it came from.

    ``limits`` (default ``DEFAULT_LIMITS``) are checked before anything is parsed.
    """
    limits = limits or DEFAULT_LIMITS
    raw, path = _read_source(source, limits)
    check_numbers(raw, limits, name=Path(path).name if path else "输入文本")
    return raw, path


def _read_source(
    source: str | os.PathLike[str] | bytes, limits: InputLimits
) -> tuple[str, str | None]:
    if isinstance(source, bytes):
        check_text(source, limits, name="输入")
        return decode_bytes(source), None
    if isinstance(source, os.PathLike) or _looks_like_path(source):
        path = Path(source)
        if not path.exists():
            raise InputError(f"找不到文件：{path}（请检查路径是否正确）")
        if path.is_dir():
            raise InputError(
                f"{path} 是目录，不是报告文件：请指定其中的文件（如 {path}/*.txt），"
                "或用 rulelaw-llm batch 处理整个目录。"
            )
        suffix = path.suffix.lower()
        if suffix in {".doc", ".wps"}:
            raise InputError(f"{path.name}：不支持旧版 {suffix} 格式，请另存为 .docx 或 .txt。")
        if suffix in {".docx", ".pdf", ".html", ".htm"}:
            return read_document(path, limits=limits), str(path)
        check_size(path, limits)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise InputError(f"无法读取 {path}：{os_error_reason(error)}") from error
        return decode_bytes(data, name=str(path)), str(path)
    check_text(source, limits, name="输入文本")
    return source, None


def expand_inputs(inputs: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files, directories (searched recursively) and glob patterns, in order.

    Paths that resolve to the same file (``dir/a.txt``, ``./dir/a.txt``, an absolute path,
    a path through a symlink) are one input: the first spelling is kept.
    """
    found: list[Path] = []
    for item in inputs:
        text = os.fspath(item)
        path = Path(text)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES)
        elif any(char in text for char in "*?[") and not path.exists():
            matches = sorted(Path(match) for match in glob.glob(text, recursive=True))
            if not matches:
                raise InputError(f"没有文件匹配 {text}")
            found += [match for match in matches if match.is_file()]
        else:
            found.append(path)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    return list(unique.values())
