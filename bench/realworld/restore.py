"""Write the development corpus's texts from saved search answers, checking each SHA-256.

    python bench/realworld/restore.py ANSWERS DIR

ANSWERS holds one ``<id>.json`` per text (``{"id", "query", "url", "excerpt"}``, saved from the
search tool's ``pages`` corpus as bench/realworld/README.md says). DIR receives ``<id>.txt``.
Texts whose hash differs from ``manifest.jsonl`` are reported and not written. With
``--update-manifest`` the manifest's ``sha256`` and ``chars`` are (re)computed from the answers
instead (used when a text is first added).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.jsonl"


def read_manifest(path: Path = MANIFEST) -> dict[str, dict[str, object]]:
    """The manifest's lines by id."""
    if not path.exists():
        return {}
    entries = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return {str(entry["id"]): entry for entry in entries}


def digest(text: str) -> str:
    """SHA-256 of the UTF-8 text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def squashed_digest(text: str) -> str:
    """SHA-256 of the text without whitespace (a copied run of spaces may differ)."""
    return digest("".join(text.split()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("answers", type=Path)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--update-manifest", action="store_true")
    options = parser.parse_args(argv)
    manifest = read_manifest()
    options.directory.mkdir(parents=True, exist_ok=True)
    written = failed = 0
    for answer_path in sorted(options.answers.glob("*.json")):
        answer = json.loads(answer_path.read_text("utf-8"))
        identifier = str(answer["id"])
        text = str(answer["excerpt"])
        entry = manifest.get(identifier)
        if options.update_manifest:
            entry = manifest.setdefault(identifier, {"id": identifier, "split": "dev"})
            entry.update(
                url=answer["url"], query=answer["query"], sha256=digest(text), chars=len(text)
            )
        elif entry is None:
            print(f"{identifier}: not in the manifest, skipped", file=sys.stderr)
            failed += 1
            continue
        elif entry["sha256"] != digest(text):
            if entry.get("squashed_sha256") != squashed_digest(text):
                print(
                    f"{identifier}: SHA-256 differs from the manifest, not written", file=sys.stderr
                )
                failed += 1
                continue
            print(f"{identifier}: equal to the manifest's text but for whitespace", file=sys.stderr)
        (options.directory / f"{identifier}.txt").write_text(text, encoding="utf-8")
        written += 1
    if options.update_manifest:
        lines = [json.dumps(manifest[key], ensure_ascii=False) for key in sorted(manifest)]
        MANIFEST.write_text("\n".join(lines) + "\n", encoding="utf-8")
    missing = sorted(set(manifest) - {p.stem for p in options.answers.glob("*.json")})
    if missing:
        print(f"no answer saved for: {', '.join(missing)}", file=sys.stderr)
    print(f"{written} texts written to {options.directory}, {failed} not written")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
