"""Count tokens with the local model's own tokenizer and chat template (a helper of tokens.py).

Runs in the venv of ../shared/tools/local-llm, which has llama-cpp-python:

    ~/.cache/rulelaw-local-llm/venv/bin/python bench/qwen_tokens.py GGUF < requests.jsonl

Each input line is ``{"text": ...}`` (counted as plain text) or a chat-completions body
(``messages``, optional ``tools``/``tool_choice``), which is rendered with the GGUF's chat
template exactly as llama-cpp-python's server renders it (``Jinja2ChatFormatter``, the
format the server picks for this model) and counted as the server counts prompt tokens.
Each output line is ``{"tokens": N}``. Only the vocabulary is loaded (``vocab_only``).
"""

from __future__ import annotations

import json
import sys

import llama_cpp
from llama_cpp import llama_chat_format


def main() -> None:
    model = llama_cpp.Llama(sys.argv[1], vocab_only=True, verbose=False)
    if model.chat_format != "chat_template.default":
        raise SystemExit(f"unexpected chat format {model.chat_format}: counts would not match")
    vocabulary = model._model  # the token texts of BOS and EOS, as Llama.__init__ reads them
    formatter = llama_chat_format.Jinja2ChatFormatter(
        template=model.metadata["tokenizer.chat_template"],
        eos_token=vocabulary.token_get_text(model.token_eos()),
        bos_token=vocabulary.token_get_text(model.token_bos()),
        stop_token_ids=[model.token_eos()],
    )
    for line in sys.stdin:
        item = json.loads(line)
        if "text" in item:
            tokens = model.tokenize(item["text"].encode("utf-8"), add_bos=False, special=False)
        else:
            result = formatter(
                messages=item["messages"],
                tools=item.get("tools"),
                tool_choice=item.get("tool_choice"),
            )
            tokens = model.tokenize(
                result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True
            )
        print(json.dumps({"tokens": len(tokens)}), flush=True)


if __name__ == "__main__":
    main()
