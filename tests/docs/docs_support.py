"""What the docs tests share: the project's root, reading docs, and fenced blocks."""
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read(relative):
    with open(os.path.join(ROOT, relative)) as f:
        return f.read()


def source_files(*folders, suffixes=(".h", ".cpp")):
    """Every file below `folders` (relative to the root) ending in one of `suffixes`."""
    for folder in folders:
        for directory, _, names in os.walk(os.path.join(ROOT, folder)):
            for name in sorted(names):
                if name.endswith(suffixes):
                    yield os.path.join(directory, name)


FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)
MARKER = re.compile(r"<!--\s*test:\s*([\w-]+)\s*-->\s*\n+```")


def fenced_blocks(markdown, language=None):
    """The fenced code blocks of `markdown` as (language, text), in order."""
    return [(m.group(1), m.group(2)) for m in FENCE.finditer(markdown)
            if language is None or m.group(1) == language]


def marked_blocks(markdown, tag):
    """The text of each fenced block preceded by the comment `<!-- test: TAG -->`."""
    blocks = []
    for marker in MARKER.finditer(markdown):
        if marker.group(1) != tag:
            continue
        block = FENCE.match(markdown, marker.end() - 3)
        if block is None:
            raise ValueError("<!-- test: %s --> is not followed by a fenced block" % tag)
        blocks.append(block.group(2))
    return blocks
