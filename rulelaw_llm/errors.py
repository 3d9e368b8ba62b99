"""The one error tree of rulelaw_llm.

    RulelawError
    ├── ConfigurationError   nothing (or something wrong) is configured: says what to set
    ├── InputError           a report cannot be read: empty, binary, unknown encoding, missing file
    │   └── InputLimitError      over a limit checked before any work (size, zip ratio, pages, depth)
    ├── ProviderError        the LLM provider refused the request (wraps the SDK error)
    │   ├── ProviderUnreachableError   the server could not be reached at all
    │   └── BudgetExceededError   the per-report token budget ran out
    ├── ResultsBusyError     another process is writing the same results file
    └── ExtractionError      the model never produced a usable answer (carries every attempt)

Every message is written for the person running the tool: what went wrong and what to do.
"""

from __future__ import annotations

import errno
from collections.abc import Sequence

__all__ = [
    "BudgetExceededError",
    "ConfigurationError",
    "ExtractionError",
    "InputError",
    "InputLimitError",
    "ProviderError",
    "ProviderUnreachableError",
    "ResultsBusyError",
    "RulelawError",
    "describe_failure",
    "describe_os_error",
    "os_error_reason",
]


class RulelawError(Exception):
    """Base class of every error rulelaw_llm raises on purpose."""


class ConfigurationError(RulelawError):
    """The library is not configured well enough to do what was asked."""


class InputError(RulelawError):
    """A report could not be read or is not a report (empty, binary, undecodable)."""


class InputLimitError(InputError):
    """An input is over one of the limits checked before any work is done on it.

    ``limit`` names the limit (``max_input_mb``, ``max_unpacked_mb``, ``max_ratio``,
    ``max_pdf_pages``, ``max_html_depth``); the message says how to raise it.
    """

    def __init__(self, message: str, *, limit: str) -> None:
        super().__init__(message)
        self.limit = limit


class ResultsBusyError(RulelawError):
    """Another process holds the lock of the results file (``batch --no-wait``)."""


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


# The one place where operating-system errors become Chinese: Python's ``strerror`` is
# English ("Is a directory") and would show inside otherwise Chinese messages.
_OS_REASONS_BY_TYPE: tuple[tuple[type[OSError], str], ...] = (
    (FileNotFoundError, "文件或目录不存在，请检查路径"),
    (IsADirectoryError, "这是一个目录，不是文件：请指定文件路径"),
    (NotADirectoryError, "路径中有一部分不是目录，请检查路径"),
    (PermissionError, "没有权限，请检查文件或目录的权限"),
    (FileExistsError, "已经存在"),
)
_OS_REASONS_BY_NUMBER = {
    errno.ENOSPC: "磁盘空间不足",
    errno.EROFS: "文件系统是只读的",
    errno.ENAMETOOLONG: "文件名太长",
    errno.ELOOP: "符号链接太多层（可能是循环链接）",
    errno.EMFILE: "打开的文件太多",
    errno.ENFILE: "系统打开的文件太多",
    errno.EIO: "读写设备出错",
    errno.EBUSY: "文件或设备正被占用",
    errno.ENOTEMPTY: "目录不是空的",
    errno.EXDEV: "不能跨文件系统移动",
    errno.EINVAL: "参数无效",
    errno.ENXIO: "设备不存在",
    errno.ENODEV: "设备不存在",
    errno.EFBIG: "文件太大",
    errno.EDQUOT: "超出磁盘配额",
}


def os_error_reason(error: OSError) -> str:
    """Why an operating-system call failed, in Chinese (never Python's English ``strerror``)."""
    for kind, reason in _OS_REASONS_BY_TYPE:
        if isinstance(error, kind):
            return reason
    if error.errno in _OS_REASONS_BY_NUMBER:
        return _OS_REASONS_BY_NUMBER[error.errno]
    name = errno.errorcode.get(error.errno, "") if error.errno is not None else ""
    return f"系统错误（{name or '未知'}）"


def describe_os_error(error: OSError) -> str:
    """``路径：原因`` for an ``OSError``, in Chinese, for a one-line message."""
    reason = os_error_reason(error)
    if error.filename is None:
        return reason
    if error.filename2 is not None:
        return f"{error.filename} → {error.filename2}：{reason}"
    return f"{error.filename}：{reason}"


def describe_failure(error: BaseException) -> str:
    """What went wrong and what to do, in Chinese, for any exception (an error record's message).

    The library's own errors already say it; an operating-system error is put in Chinese; a
    bug of the library (any other exception) is named as one, with what to try.
    """
    if isinstance(error, RulelawError):
        return str(error) or type(error).__name__
    if isinstance(error, OSError):
        return f"读写文件失败：{describe_os_error(error)}。请检查路径、权限和磁盘空间后重新运行。"
    if isinstance(error, MemoryError):
        return (
            "内存不足，这份输入没有处理完：它可能过大或结构异常。"
            "请检查文件，或用 --max-input-mb 设一个更小的上限，让过大的输入在处理前就被拒绝。"
        )
    if isinstance(error, RecursionError):
        return (
            "输入的结构嵌套过深，无法处理（文件可能已损坏或是特意构造的）："
            "请打开原文件另存为 .txt 后重试。"
        )
    return (
        f"处理时出现意外错误（{type(error).__name__}），这可能是 rulelaw-llm 的缺陷："
        "请用 --retry-failed 重试；仍然失败时请报告此问题，并附上这个输入文件。"
    )
