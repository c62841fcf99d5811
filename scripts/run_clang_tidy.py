#!/usr/bin/env python3
"""clang-tidy over every source under operator/src, with a cache of clean results.

Usage: scripts/run_clang_tidy.py BUILD_DIR   (scripts/check-tidy is the entry point)

A file found clean is not checked again while nothing it reads has changed: its key is the
sha256 of the clang-tidy version, .clang-tidy, the file's compile command, and the text of the
file and of every header under the repository it includes (from ninja's dependency log, so
the build must be current; a file without a dependency entry is always checked). Headers
outside the repository (the system's, Boost's, ...) belong to the machine, which the
clang-tidy version and the compile command stand for. Only clean results are cached, so a
finding is reported on every run. The cache is ${SLUICE_CACHE:-~/.cache/sluice}/tidy;
SLUICE_TIDY_CACHE=0 turns it off. Why: clang-tidy over the whole tree takes about 15 minutes
on two cores, the longest test in CI, and most runs change a few files.
"""
import concurrent.futures
import hashlib
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOISE = re.compile(r"^([0-9]+ warnings? generated\.|Suppressed [0-9]+ warnings.*|"
                   r"Use -header-filter.*)$")


def ninja_deps(build_dir):
    """{absolute object path: [absolute dependency paths]} from ninja's dependency log."""
    deps, current = {}, None
    text = subprocess.run(["ninja", "-C", build_dir, "-t", "deps"], capture_output=True,
                          text=True, check=False).stdout
    for line in text.splitlines():
        if not line.strip():
            current = None
        elif not line.startswith(" "):
            current = os.path.normpath(os.path.join(build_dir, line.split(":", 1)[0]))
            deps[current] = []
        elif current is not None:
            deps[current].append(os.path.normpath(os.path.join(build_dir, line.strip())))
    return deps


def file_digest(path, memo):
    if path not in memo:
        with open(path, "rb") as f:
            memo[path] = hashlib.sha256(f.read()).hexdigest()
    return memo[path]


def keys(build_dir, sources):
    """{source: cache key or None}."""
    version = subprocess.run(["clang-tidy", "--version"], capture_output=True, text=True,
                             check=True).stdout
    with open(os.path.join(ROOT, ".clang-tidy"), "rb") as f:
        config = f.read()
    commands = {}
    with open(os.path.join(build_dir, "compile_commands.json"), encoding="utf-8") as f:
        for entry in json.load(f):
            commands[os.path.normpath(entry["file"])] = entry
    deps = ninja_deps(build_dir)
    memo, out = {}, {}
    for source in sources:
        entry = commands.get(source)
        output = re.search(r"-o (\S+)", entry["command"]) if entry else None
        obj = os.path.normpath(os.path.join(entry["directory"], output.group(1))) if output else None
        if obj is None or obj not in deps:
            out[source] = None
            continue
        h = hashlib.sha256()
        h.update(version.encode())
        h.update(config)
        # Paths relative to the checkout, so that another clone of the same tree (CI's) finds
        # the results of this one.
        h.update(entry["command"].replace(build_dir, "<build>").replace(ROOT, "<root>").encode())
        for dep in sorted(set(deps[obj] + [source])):
            if dep.startswith(ROOT + os.sep) and os.path.exists(dep):
                h.update(os.path.relpath(dep, ROOT).encode())
                h.update(file_digest(dep, memo).encode())
        out[source] = h.hexdigest()
    return out


def tidy(build_dir, source):
    result = subprocess.run(["clang-tidy", "-p", build_dir, "--quiet", source],
                            capture_output=True, text=True, check=False)
    lines = [l for l in (result.stdout + result.stderr).splitlines() if not NOISE.match(l)]
    return source, "\n".join(lines), "error:" in result.stdout + result.stderr


def main():
    build_dir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build"))
    sources = sorted(os.path.join(d, f) for d, _, files in os.walk(os.path.join(ROOT, "operator/src"))
                     for f in files if f.endswith(".cpp"))
    use_cache = os.environ.get("SLUICE_TIDY_CACHE", "1") != "0"
    cache = os.path.join(os.environ.get("SLUICE_CACHE", os.path.expanduser("~/.cache/sluice")),
                         "tidy")
    source_keys = keys(build_dir, sources) if use_cache else {s: None for s in sources}
    if use_cache:
        os.makedirs(cache, exist_ok=True)
    todo = [s for s in sources
            if not (source_keys[s] and os.path.exists(os.path.join(cache, source_keys[s])))]
    print("clang-tidy: %d of %d files to check (the rest unchanged since found clean)"
          % (len(todo), len(sources)), flush=True)
    failed = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for source, report, error in pool.map(lambda s: tidy(build_dir, s), todo):
            if error:
                failed.append((source, report))
            elif use_cache and source_keys[source]:
                open(os.path.join(cache, source_keys[source]), "w").close()
    for source, report in failed:
        print(report)
    if failed:
        sys.exit(1)
    print("clang-tidy: clean")


if __name__ == "__main__":
    main()
