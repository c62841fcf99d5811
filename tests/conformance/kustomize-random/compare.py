#!/usr/bin/env python3
"""Differential run of `sluice build` against `kubectl kustomize` on random kustomization trees
(gen_trees.py writes them).

    compare.py --sluice BUILD/bin/sluice [--kubectl kubectl] [--seed N] [--count 100]
               [--jobs 2] [--keep DIR] [--with FEATURE]

Tree i of a batch is the tree of seed N+i; a failure prints that seed, so
`compare.py --sluice ... --seed SEED --count 1` runs it again. Without --seed the seed comes
from $SLUICE_KUSTOMIZE_SEED, else from the clock (printed first).

Each tree is built twice: `kubectl kustomize TOP/overlay` and
`sluice build --root TOP TOP/overlay`. They agree when both exit 0 with byte-identical stdout and
the same `# Warning` lines on stderr, or when both fail (sluice then with empty stdout). A tree
that disagrees is copied to --keep (default: a new folder under the temp dir), with a unified
diff printed; the exit status is then 1.
"""
import argparse
import concurrent.futures
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_trees  # noqa: E402


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def warnings(stderr):
    return [line for line in stderr.splitlines() if line.startswith('# Warning')]


def compare_one(seed, args, work):
    top = os.path.join(work, f'tree-{seed}')
    os.makedirs(top)
    target = gen_trees.generate(seed, top, args.features)
    k_rc, k_out, k_err = run([args.kubectl, 'kustomize', target])
    s_rc, s_out, s_err = run([args.sluice, 'build', '--root', top, target])
    result = {'seed': seed, 'top': top, 'target': target}
    if k_rc != 0 and s_rc != 0:
        if s_out:
            result['verdict'] = 'differed'
            result['report'] = 'both failed, but sluice wrote to stdout:\n' + s_out
        else:
            result['verdict'] = 'both-failed'
            result['report'] = f'kubectl: {k_err.strip()}\nsluice: {s_err.strip()}'
    elif k_rc != 0 or s_rc != 0:
        result['verdict'] = 'differed'
        result['report'] = (f'exit codes differ: kubectl {k_rc}, sluice {s_rc}\n'
                            f'kubectl stderr:\n{k_err}sluice stderr:\n{s_err}')
    elif k_out != s_out:
        result['verdict'] = 'differed'
        result['report'] = 'output differs (- kubectl kustomize, + sluice build)\n' + ''.join(
            difflib.unified_diff(k_out.splitlines(True), s_out.splitlines(True),
                                 'kubectl', 'sluice'))
    elif warnings(k_err) != warnings(s_err):
        result['verdict'] = 'differed'
        result['report'] = 'warnings differ (- kubectl kustomize, + sluice build)\n' + '\n'.join(
            difflib.unified_diff(warnings(k_err), warnings(s_err), 'kubectl', 'sluice',
                                 lineterm=''))
    else:
        result['verdict'] = 'identical'
    return result


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--sluice', required=True)
    ap.add_argument('--kubectl', default=os.environ.get('KUBECTL', 'kubectl'))
    ap.add_argument('--seed', type=int)
    ap.add_argument('--count', type=int, default=100)
    ap.add_argument('--jobs', type=int, default=2)
    ap.add_argument('--keep', help='folder for the trees that differ')
    ap.add_argument('--keep-all', action='store_true', help='keep every tree (in --keep)')
    ap.add_argument('--with', dest='features', action='append', default=[],
                    choices=sorted(gen_trees.FEATURES),
                    help='also generate a feature known to differ')
    ap.add_argument('--show-failures', action='store_true',
                    help='print the errors of trees both sides refused')
    args = ap.parse_args()
    if args.seed is None:
        env = os.environ.get('SLUICE_KUSTOMIZE_SEED')
        args.seed = int(env) if env else int(time.time() * 1000) % 1_000_000_000
    args.sluice = os.path.abspath(args.sluice)
    print(f'kustomize-random: seed {args.seed}, {args.count} trees, {args.jobs} jobs '
          f'(again: SLUICE_KUSTOMIZE_SEED={args.seed})', flush=True)

    work = tempfile.mkdtemp(prefix='kustomize-random-')
    keep = args.keep
    counts = {'identical': 0, 'both-failed': 0, 'differed': 0}
    started = time.monotonic()
    try:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            futures = [pool.submit(compare_one, args.seed + i, args, work)
                       for i in range(args.count)]
            for future in concurrent.futures.as_completed(futures):
                r = future.result()
                counts[r['verdict']] += 1
                if r['verdict'] == 'differed' or args.keep_all:
                    if keep is None:
                        keep = tempfile.mkdtemp(prefix='kustomize-random-kept-')
                    dest = os.path.join(keep, f'tree-{r["seed"]}')
                    shutil.rmtree(dest, ignore_errors=True)
                    shutil.copytree(r['top'], dest)
                if r['verdict'] == 'differed':
                    built = os.path.join(dest, os.path.relpath(r['target'], r['top']))
                    print(f'\nDIFFERED: seed {r["seed"]}: {built}\n'
                          f'  reproduce: sluice build --root {dest} {built}\n'
                          f'  or: {sys.argv[0]} --sluice {args.sluice} --seed {r["seed"]} '
                          f'--count 1\n{r["report"]}', flush=True)
                elif r['verdict'] == 'both-failed' and args.show_failures:
                    print(f'\nboth failed: seed {r["seed"]}\n{r["report"]}', flush=True)
                shutil.rmtree(r['top'], ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.monotonic() - started
    compared = sum(counts.values())
    print(f'\nkustomize-random: seed {args.seed}: {compared} trees compared in {elapsed:.1f} s: '
          f'{counts["identical"]} identical, {counts["both-failed"]} both failed, '
          f'{counts["differed"]} differed' + (f' (kept in {keep})' if counts['differed'] else ''))
    return 1 if counts['differed'] else 0


if __name__ == '__main__':
    sys.exit(main())
