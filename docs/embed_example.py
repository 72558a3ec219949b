"""Copy each file of docs/example_plugin verbatim into docs/plugins.md.

Also refreshes the hook sections' excerpts of the example's hook functions. Run it after
changing the example; tests/test_installed_plugins.py fails while the two differ:

    python docs/embed_example.py
"""

from __future__ import annotations

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "plugins.md"
MODULE = ROOT / "docs" / "example_plugin" / "coprod_toolkit_tlap_ladder" / "__init__.py"
# A line naming an example file, a blank line, then a fenced block holding that file.
EMBEDDED_FILE = re.compile(
    r"(^`(docs/example_plugin/[^`]+)`:\n\n```[a-z]*\n)(.*?)(^```\n)", re.M | re.S
)
PYTHON_BLOCK = re.compile(r"(^```python\n)(.*?)(^```\n)", re.M | re.S)
HOOK_FUNCTION = re.compile(r"^@hookimpl\ndef (coprod_\w+)\(.*?(?=\n\n\n|\Z)", re.M | re.S)


def embed_files(text: str) -> str:
    def fill(match: re.Match[str]) -> str:
        body = (ROOT / match.group(2)).read_text(encoding="utf-8")
        if "```" in body:
            raise SystemExit(f"{match.group(2)} contains a code fence; it cannot be embedded")
        return match.group(1) + body + match.group(4)

    return EMBEDDED_FILE.sub(fill, text)


def refresh_hook_excerpts(text: str) -> str:
    """Replace each excerpt whose signature is the example's with the example's function."""
    module = MODULE.read_text(encoding="utf-8")
    functions = {m.group(1): m.group(0).rstrip("\n") + "\n" for m in HOOK_FUNCTION.finditer(module)}

    def refresh(match: re.Match[str]) -> str:
        body = match.group(2)
        head = re.match(r"@hookimpl\ndef (coprod_\w+)\(", body)
        function = functions.get(head.group(1)) if head else None
        if function is None or body.split(")")[0] != function.split(")")[0]:
            return match.group(0)
        return match.group(1) + function + match.group(3)

    return PYTHON_BLOCK.sub(refresh, text)


def main() -> None:
    text = refresh_hook_excerpts(embed_files(DOC.read_text(encoding="utf-8")))
    DOC.write_text(text, encoding="utf-8")
    example = [
        path
        for path in (ROOT / "docs" / "example_plugin").rglob("*")
        if path.is_file() and not {"__pycache__", "build"} & set(path.parts)
        and ".egg-info" not in path.as_posix()
    ]  # fmt: skip
    missing = [
        str(p.relative_to(ROOT)) for p in example if p.read_text(encoding="utf-8") not in text
    ]
    if missing:
        raise SystemExit(f"not in docs/plugins.md (add a `path`: line and a fence): {missing}")
    print(f"docs/plugins.md holds all {len(example)} files of the example verbatim")


if __name__ == "__main__":
    main()
