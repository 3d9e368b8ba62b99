"""A FAKE OpenAI-compatible model for fault tests, served through httpx2's MockTransport.

Nothing here is a recording of a real model: answers are made up by simple rules from the
request itself (names copied from the sentence before a number, summaries copied from an
item's opening words) so that tests can inject one fault at a time around them. Real model
answers live only in cassettes recorded from a real server.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx2

Answer = dict[str, Any]
# A fault hook sees the call number (1-based), the parsed request and the answer the fake
# would give; it returns a replacement answer, an httpx2.Response, or raises an httpx2 error.
Fault = Callable[[int, dict[str, Any], Answer], "Answer | httpx2.Response | None"]


def _user_prompt(body: dict[str, Any]) -> str:
    users = [m.get("content", "") for m in body.get("messages", []) if m.get("role") == "user"]
    return str(users[0]) if users else ""


def fake_answer(body: dict[str, Any]) -> Answer:
    """The fake's default answer to a request, derived from the prompt text."""
    prompt = _user_prompt(body)
    if "1 加 1 等于几" in prompt:  # the probe of ``rulelaw-llm check``
        return {"answer": "2"}
    candidates = re.findall(r"^q(\d+)：(.+)$", prompt, re.MULTILINE)
    if candidates:
        block = prompt.split("原文：", 1)[1].split("数字：", 1)[0]
        answer: Answer = {}
        for number, raw in candidates:
            at = block.find(raw)
            before = re.sub(r"[^\u4e00-\u9fff]", "", block[max(0, at - 12) : at])
            answer[f"q{number}"] = before[-6:] or "工作"
        return answer
    items = re.findall(r"^i(\d+)［([^］]*)］：(.+)$", prompt, re.MULTILINE)
    if items:
        answer = {}
        for number, asked, text in items:
            body_text = re.sub(
                r"^[（(]?[一二三四五六七八九十\d]+[)）、.]?\s*|^[一二三四五六七八九十]是", "", text
            )
            summary = re.sub(r"[^\u4e00-\u9fff]", "", body_text)[:12] or "工作"
            entry: Answer = {"summary": summary, "category": "legal_publicity", "cause": None}
            answer[f"i{number}"] = {key: entry[key] for key in asked.split("、")}
        return answer
    return _digest_answer(prompt)


#: How the fake writes each sentence of the digest from the items the prompt lists for it.
_SENTENCES = {
    "主要举措": "{items}。",
    "关键数字": "全年{items}。",
    "存在的问题": "存在{items}等问题。",
    "下一年度的工作": "下一步将{items}。",
}


def _digest_answer(prompt: str) -> Answer:
    """A faithful digest: each numbered sentence made of its own listed items, the opening first."""
    opening = re.search(r"(s\d+)以“(.+?)”开头", prompt)
    answer: Answer = {}
    for key, part, items in re.findall(r"^(s\d+)（(.+?)，不超过\d+字）：(.+)$", prompt, re.M):
        text = _SENTENCES[part].format(items="，".join(items.split("；")))
        if opening and opening.group(1) == key:
            text = f"{opening.group(2)}{text}"
        answer[key] = text
    return answer


def completion_payload(
    body: dict[str, Any],
    answer: Answer,
    *,
    finish_reason: str = "stop",
    content_override: str | None = None,
    usage: tuple[int, int] = (100, 20),
) -> dict[str, Any]:
    """The JSON of a chat.completion carrying ``answer`` as the request's mode expects."""
    arguments = json.dumps(answer, ensure_ascii=False)
    message: dict[str, Any] = {"role": "assistant", "content": None}
    if body.get("tools"):
        name = body["tools"][0]["function"]["name"]
        message["tool_calls"] = [
            {
                "id": "call_fake",
                "type": "function",
                "function": {"name": name, "arguments": arguments},
            }
        ]
    else:
        message["content"] = arguments if content_override is None else content_override
    if content_override is not None and body.get("tools"):
        message["tool_calls"][0]["function"]["arguments"] = content_override
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {
            "prompt_tokens": usage[0],
            "completion_tokens": usage[1],
            "total_tokens": usage[0] + usage[1],
        },
    }


def completion(
    body: dict[str, Any],
    answer: Answer,
    *,
    finish_reason: str = "stop",
    content_override: str | None = None,
    usage: tuple[int, int] = (100, 20),
) -> httpx2.Response:
    """A chat.completion response carrying ``answer`` as the request's mode expects."""
    payload = completion_payload(
        body,
        answer,
        finish_reason=finish_reason,
        content_override=content_override,
        usage=usage,
    )
    return httpx2.Response(200, json=payload)


def estimated_usage(body: dict[str, Any], answer: Answer) -> tuple[int, int]:
    """Token counts of the size the recorded cassettes show (Qwen's tokenizer on Chinese:
    about 1.3 characters per prompt token, 1.6 per completion token). Made up, not measured."""
    prompt = sum(len(str(message.get("content") or "")) for message in body.get("messages", []))
    prompt += len(json.dumps(body.get("tools") or body.get("response_format") or {})) // 4
    completion_chars = len(json.dumps(answer, ensure_ascii=False))
    return max(1, round(prompt / 1.3)), max(1, round(completion_chars / 1.6))


def error(status: int, message: str, headers: dict[str, str] | None = None) -> httpx2.Response:
    """An OpenAI-style error response."""
    return httpx2.Response(
        status,
        json={"error": {"message": message, "type": "fake_error", "code": None}},
        headers=headers,
    )


@dataclass
class FakeModel:
    """Answers chat completions by rule, with optional injected faults."""

    fault: Fault | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        self.requests.append(body)
        self.urls.append(str(request.url))
        answer = fake_answer(body)
        if self.fault is not None:
            replaced = self.fault(len(self.requests), body, answer)
            if isinstance(replaced, httpx2.Response):
                return replaced
            if replaced is not None:
                answer = replaced
        return completion(body, answer)

    def transport(self) -> httpx2.MockTransport:
        return httpx2.MockTransport(self.handle)

    async def handle_async(self, request: httpx2.Request) -> httpx2.Response:
        return self.handle(request)

    def async_transport(self) -> httpx2.MockTransport:
        return httpx2.MockTransport(self.handle_async)


def refusal(status: int, payload: dict[str, Any]) -> httpx2.Response:
    """A MADE-UP refusal in the shape a provider documents (its own JSON body, not OpenAI's)."""
    return httpx2.Response(status, json=payload)


def refuses_while(
    carries: Callable[[dict[str, Any]], bool], response: Callable[[], httpx2.Response]
) -> Fault:
    """A fault: every request for which ``carries(body)`` holds gets ``response()``."""

    def fault(_: int, body: dict[str, Any], __: Answer) -> httpx2.Response | None:
        return response() if carries(body) else None

    return fault


@contextmanager
def serve_fake_model(model: FakeModel | None = None) -> Iterator[str]:
    """The FAKE model behind a real HTTP server on 127.0.0.1; yields its base URL (``…/v1``).

    For what must run as a separate process (the docs' shell examples): the library's own
    client, retries and parsing, against answers made up by ``fake_answer``.
    """
    fake = model or FakeModel()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            content = self.rfile.read(length)
            request = httpx2.Request("POST", f"http://127.0.0.1{self.path}", content=content)
            response = fake.handle(request)
            payload = response.content
            self.send_response(response.status_code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:  # quiet
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
