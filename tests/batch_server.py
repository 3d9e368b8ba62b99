"""A STAND-IN for a provider's Batch API on localhost, for the tests and bench/batch_api.py.

Not a provider and not a recording: a small HTTP server built to the documented shapes of
OpenAI's Files and Batches API (which DashScope, Zhipu, Moonshot and SiliconFlow follow):

    POST /v1/files                     multipart upload (purpose=batch) → file object
    GET  /v1/files[?purpose=batch]     list;  GET /v1/files/{id}; GET /v1/files/{id}/content
    POST /v1/batches                   {input_file_id, endpoint, completion_window, metadata}
    GET  /v1/batches[?limit=]          list;  GET /v1/batches/{id}; POST /v1/batches/{id}/cancel
    POST /v1/chat/completions          the same FAKE answers online, for comparisons

A job goes validating → in_progress → finalizing → completed along a clock (``delay``
seconds in progress; any ``clock`` — the benchmark passes a virtual one, so a simulated
60-second job takes no real minute), or to ``failed`` (``invalid`` jobs, by number) or
``expired`` (``expire`` jobs: part done, the rest in the error file as ``batch_expired``).
Output and error files hold one line per request in the documented shape:
``{"id", "custom_id", "response": {"status_code", "request_id", "body"}, "error"}``.

Answers are the FAKE model's of tests/fakes.py (names from the sentence before a number,
summaries from an item's first words), with token counts of the size the recorded
cassettes show. ``fail`` can answer any line with an error instead. Every upload, job and
submitted ``custom_id`` is counted, so a test can tell that nothing was submitted twice.
"""

from __future__ import annotations

import email.parser
import email.policy
import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes import completion_payload, estimated_usage, fake_answer

Answer = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]
#: A line's error instead of its answer: (status, body), or None to answer it.
Fail = Callable[[str, dict[str, Any]], "tuple[int, dict[str, Any]] | None"]


def fake_completion(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The FAKE model's answer to one chat-completions body, as (status, response body)."""
    answer = fake_answer(body)
    return 200, completion_payload(body, answer, usage=estimated_usage(body, answer))


class VirtualClock:
    """A clock that only moves when told to (thread-safe)."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


@dataclass
class _Job:
    number: int
    id: str
    input_file_id: str
    endpoint: str
    metadata: dict[str, Any]
    created: float
    lines: list[dict[str, Any]]
    invalid: bool
    expire: bool
    cancelled_at: float | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None
    ended: str | None = None


@dataclass
class StandInBatchServer:
    """The stand-in server (see the module docstring). ``start()`` returns its base URL."""

    delay: float = 0.0
    """Seconds a job stays in_progress."""
    validate_seconds: float = 0.0
    finalize_seconds: float = 0.0
    clock: Callable[[], float] = time.monotonic
    answer: Answer = fake_completion
    fail: Fail | None = None
    expire: set[int] = field(default_factory=set)
    """Numbers (1, 2, …) of the jobs that expire after doing ``expire_done`` of their lines."""
    expire_done: float = 0.5
    invalid: set[int] = field(default_factory=set)
    """Numbers of the jobs that fail validation."""
    uploads: list[str] = field(default_factory=list)
    jobs: list[_Job] = field(default_factory=list)
    submitted: Counter[str] = field(default_factory=Counter)
    """How often each custom_id was submitted in a job."""
    bodies: Counter[str] = field(default_factory=Counter)
    """How often each request body was submitted in a job."""
    chat_requests: int = 0
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------------ lifetime

    def start(self) -> str:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return None

            def do_GET(self) -> None:
                stand_in._dispatch(self, "GET")

            def do_POST(self) -> None:
                stand_in._dispatch(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    # ------------------------------------------------------------------ HTTP

    def _dispatch(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(handler.path)
        parts = [part for part in url.path.split("/") if part]
        length = int(handler.headers.get("content-length") or 0)
        body = handler.rfile.read(length) if length else b""
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        try:
            status, payload = self._route(method, parts, body, handler.headers, query)
        except LookupError as missing:
            status, payload = 404, {"error": {"message": str(missing), "type": "not_found"}}
        if isinstance(payload, bytes):
            data, kind = payload, "application/octet-stream"
        else:
            data, kind = json.dumps(payload, ensure_ascii=False).encode(), "application/json"
        handler.send_response(status)
        handler.send_header("content-type", kind)
        handler.send_header("content-length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _route(
        self,
        method: str,
        parts: list[str],
        body: bytes,
        headers: Any,
        query: dict[str, str],
    ) -> tuple[int, dict[str, Any] | bytes]:
        # Any prefix before the resource (/v1, /api/paas/v4): the resource decides.
        for index, part in enumerate(parts):
            if part in ("files", "batches", "chat"):
                parts = parts[index:]
                break
        with self._lock:
            if parts[:2] == ["chat", "completions"] and method == "POST":
                self.chat_requests += 1
                return self.answer(json.loads(body))
            if parts == ["files"]:
                if method == "POST":
                    return 200, self._upload(body, headers.get("content-type", ""))
                listed = [
                    self._file_object(item)
                    for item in self.files.values()
                    if "purpose" not in query or item["purpose"] == query["purpose"]
                ]
                return 200, {"object": "list", "data": listed, "has_more": False}
            if parts[0] == "files" and len(parts) >= 2:
                item = self.files.get(parts[1])
                if item is None:
                    raise LookupError(f"no file {parts[1]}")
                if len(parts) == 3 and parts[2] == "content":
                    return 200, bytes(item["data"])
                return 200, self._file_object(item)
            if parts == ["batches"]:
                if method == "POST":
                    return 200, self._create(json.loads(body))
                listed = [self._batch_object(job) for job in reversed(self.jobs)]
                limit = int(query.get("limit", 20))
                return 200, {
                    "object": "list",
                    "data": listed[:limit],
                    "has_more": len(listed) > limit,
                }
            if parts[0] == "batches" and len(parts) >= 2:
                job = next((job for job in self.jobs if job.id == parts[1]), None)
                if job is None:
                    raise LookupError(f"no batch {parts[1]}")
                if len(parts) == 3 and parts[2] == "cancel" and method == "POST":
                    job.cancelled_at = job.cancelled_at or self.clock()
                return 200, self._batch_object(job)
        raise LookupError("/".join(parts))

    # ------------------------------------------------------------------ files

    def _upload(self, body: bytes, content_type: str) -> dict[str, Any]:
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"content-type: " + content_type.encode() + b"\r\n\r\n" + body
        )
        fields: dict[str, Any] = {}
        filename = "upload.jsonl"
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True)
            if name == "file":
                filename = part.get_filename() or filename
            fields[str(name)] = data
        identifier = f"file-{len(self.files) + 1:05d}"
        self.files[identifier] = {
            "id": identifier,
            "data": fields.get("file", b""),
            "filename": filename,
            "purpose": (fields.get("purpose") or b"batch").decode(),
            "created_at": int(self.clock()),
        }
        self.uploads.append(filename)
        return self._file_object(self.files[identifier])

    def _file(self, data: bytes, name: str, purpose: str) -> str:
        identifier = f"file-{len(self.files) + 1:05d}"
        self.files[identifier] = {
            "id": identifier,
            "data": data,
            "filename": name,
            "purpose": purpose,
            "created_at": int(self.clock()),
        }
        return identifier

    @staticmethod
    def _file_object(item: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": item["id"],
            "object": "file",
            "bytes": len(item["data"]),
            "created_at": item["created_at"],
            "filename": item["filename"],
            "purpose": item["purpose"],
            "status": "processed",
        }

    # ------------------------------------------------------------------ jobs

    def _create(self, request: dict[str, Any]) -> dict[str, Any]:
        item = self.files.get(request.get("input_file_id", ""))
        if item is None:
            raise LookupError(f"no file {request.get('input_file_id')}")
        lines = [json.loads(line) for line in item["data"].decode().splitlines() if line]
        number = len(self.jobs) + 1
        job = _Job(
            number=number,
            id=f"batch_{number:05d}",
            input_file_id=item["id"],
            endpoint=str(request.get("endpoint")),
            metadata=dict(request.get("metadata") or {}),
            created=self.clock(),
            lines=lines,
            invalid=number in self.invalid,
            expire=number in self.expire,
        )
        for line in lines:
            self.submitted[line["custom_id"]] += 1
            self.bodies[json.dumps(line["body"], sort_keys=True, ensure_ascii=False)] += 1
        self.jobs.append(job)
        return self._batch_object(job)

    def _status(self, job: _Job) -> tuple[str, int]:
        """The job's status now and how many of its lines are done."""
        if job.ended is not None:
            return job.ended, len(job.lines)
        elapsed = self.clock() - job.created
        total = len(job.lines)
        if job.cancelled_at is not None:
            done = self._done(job, job.cancelled_at)
            self._finish(job, "cancelled", done)
            return "cancelled", done
        if elapsed < self.validate_seconds:
            return "validating", 0
        if job.invalid:
            job.ended = "failed"
            return "failed", 0
        if elapsed < self.validate_seconds + self.delay:
            return "in_progress", self._done(job, self.clock())
        if job.expire:
            done = int(total * self.expire_done)
            self._finish(job, "expired", done)
            return "expired", done
        if elapsed < self.validate_seconds + self.delay + self.finalize_seconds:
            return "finalizing", total
        self._finish(job, "completed", total)
        return "completed", total

    def _done(self, job: _Job, moment: float) -> int:
        running = moment - job.created - self.validate_seconds
        if self.delay <= 0:
            return len(job.lines)
        return max(0, min(len(job.lines), int(len(job.lines) * running / self.delay)))

    def _finish(self, job: _Job, status: str, done: int) -> None:
        """Answer the job's lines (the first ``done`` of them) and write its two files."""
        output: list[str] = []
        errors: list[str] = []
        for number, line in enumerate(job.lines):
            request_id = f"batch_req_{job.number}_{number}"
            if number >= done:
                errors.append(
                    json.dumps(
                        {
                            "id": request_id,
                            "custom_id": line["custom_id"],
                            "response": None,
                            "error": {
                                "code": f"batch_{status}",
                                "message": "This request could not be executed before the "
                                "completion window expired.",
                            },
                        }
                    )
                )
                continue
            failed = self.fail(line["custom_id"], line["body"]) if self.fail else None
            code, body = failed if failed is not None else self.answer(line["body"])
            entry = {
                "id": request_id,
                "custom_id": line["custom_id"],
                "response": {"status_code": code, "request_id": f"req_{request_id}", "body": body},
                "error": None,
            }
            (output if code == 200 else errors).append(json.dumps(entry, ensure_ascii=False))
        if output:
            job.output_file_id = self._file(
                ("\n".join(output) + "\n").encode(), f"{job.id}_output.jsonl", "batch_output"
            )
        if errors:
            job.error_file_id = self._file(
                ("\n".join(errors) + "\n").encode(), f"{job.id}_error.jsonl", "batch_output"
            )
        job.ended = status

    def _batch_object(self, job: _Job) -> dict[str, Any]:
        status, done = self._status(job)
        total = len(job.lines)
        failed = 0
        if status in ("completed", "expired", "cancelled") and job.error_file_id:
            failed = sum(1 for _ in self.files[job.error_file_id]["data"].splitlines())
        errors = None
        if status == "failed":
            errors = {
                "object": "list",
                "data": [{"code": "invalid_request", "message": "stand-in: invalid", "line": 1}],
            }
        return {
            "id": job.id,
            "object": "batch",
            "endpoint": job.endpoint,
            "errors": errors,
            "input_file_id": job.input_file_id,
            "completion_window": "24h",
            "status": status,
            "output_file_id": job.output_file_id,
            "error_file_id": job.error_file_id,
            "created_at": int(job.created),
            "request_counts": {
                "total": total,
                "completed": max(0, done - failed),
                "failed": failed,
            },
            "metadata": job.metadata,
        }
