#!/usr/bin/env python3
"""Differential check of write_yaml against `kubectl kustomize` on random resources.

Generates random ConfigMap-shaped resources aimed at the writer's hard parts (quoting, YAML 1.1
lookalikes, folding near column 80, line breaks, odd characters, key order, numbers), has
`kubectl kustomize` print each one, then runs the core unit test binary's
YamlWriterTest.DISABLED_MatchesKubectlOnGeneratedCases over them. Needs kubectl with kustomize v5.5.0.

    differential.py BUILD/bin/core_test [--count 300] [--seed 1] [--keep DIR]

Two kinds of input are left out because kustomize itself does not print them deterministically
or as written: key sets that go-yaml's key order cannot sort consistently (e.g. "10", "1x",
"2"; kustomize's output then changes from run to run) and "<<" keys (kustomize drops them when
it loads a resource).
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import unicodedata

ODD = ['\n', '\r', '\t', ' ', ' ', '\x00', '\x01', '\x1b', '\x08', '\x0c', '\x0b', '\u0085', '\u2028',
       '\u2029', '\u00a0', '\ufeff', '\U0001F600', '\u4e2d', '\u00e9', '\u0663', '\ufffd', '\u3000', '\ue000',
       ':', '#', '-', '?', ',', '[', ']', '{', '}', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`',
       '\\', '.', '~', '_', '+', '=', '<', '/', '---', '...']
WORDS = ['yes', 'no', 'on', 'off', 'y', 'n', 'true', 'False', 'null', '~', 'NULL', '.inf', '-.Inf',
         '.nan', '0x1F', '0o17', '017', '08', '1_000', '1e3', '.5', '+1', '-0', '0', '1:20',
         '2001-12-14', '---', '...', 'a: b', 'a #b', '- a', '? x', ': x', '<<', '0b101', '1.5',
         '12345678901234567890', '2001-12-14 1:2:3', '']


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)

    def numberish(self):
        return ''.join(self.rng.choice('0123456789+-._:eExXoObB ') for _ in range(self.rng.randint(1, 8)))

    def timestampish(self):
        r = self.rng
        s = f"{r.choice(['2001', '1999', '2000', '1900', '0000'])}-{r.randint(0, 13)}-{r.randint(0, 32)}"
        if r.random() < 0.6:
            s += r.choice(['T', 't', ' ', '  ', 'x']) + f"{r.randint(0, 25)}:{r.randint(0, 61)}:{r.randint(0, 61)}"
            if r.random() < 0.5:
                s += r.choice(['.', ',']) + str(r.randint(0, 10 ** r.randint(1, 12)))
            if r.random() < 0.5:
                s += r.choice(['Z', '+05:00', '-24:60', '+25:00', '+5:00'])
        return s

    def words(self, limit):
        r = self.rng
        out = ''
        target = r.randint(1, limit)
        while len(out) < target:
            out += ''.join(r.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(r.randint(1, 15)))
            if r.random() < 0.07:
                out += r.choice(ODD)
            out += ' ' * r.choice([1, 1, 1, 1, 2, 3])
        return out.rstrip(' ') if r.random() < 0.5 else out

    def string(self):
        r = self.rng
        x = r.random()
        if x < 0.15:
            return r.choice(WORDS)
        if x < 0.25:
            return self.numberish()
        if x < 0.32:
            return self.timestampish()
        if x < 0.6:
            return self.words(r.choice([20, 90, 200, 400]))
        if x < 0.7:
            return 'x' * r.randint(60, 100) + ' ' + 'y' * r.randint(1, 10) + ' z' * r.randint(0, 3)
        return ''.join(r.choice(ODD) if r.random() < 0.5 else r.choice('abcXYZ019 ')
                       for _ in range(r.randint(0, 12)))

    def number(self):
        r = self.rng
        x = r.random()
        if x < 0.3:
            return r.choice([0, -1, 42, 2**63 - 1, -2**63, 2**64 - 1, r.randint(0, 2**64 - 1)])
        if x < 0.5:
            return r.choice([0.0, -0.0, 1.0, 0.1, 1e-6, 1e-7, 1e20, 1e21, 123456789.123, 2.0**63, 1e19,
                             -1e19, 5e-324, 1234567.0, 123456.5, 100.0])
        if x < 0.7:
            return float(r.randint(-10 ** r.randint(1, 22), 10 ** r.randint(1, 22)))
        return float(f"{1 + r.random() * 9:.{r.randint(1, 17)}f}e{r.randint(-30, 30)}") * r.choice([1, -1])

    def key(self):
        r = self.rng
        x = r.random()
        if x < 0.4:
            return ''.join(r.choice('aAbB019_-.zZ') for _ in range(r.randint(1, 5)))
        if x < 0.5:
            return r.choice(WORDS)
        if x < 0.55:
            return 'k' * r.randint(120, 140)
        if x < 0.65:
            return ''.join(r.choice('a\u00e9\u4e2d\u03a9\u00b5\u06631 0x') for _ in range(r.randint(1, 4)))
        return self.string()

    def value(self, depth):
        r = self.rng
        x = r.random()
        if depth < 4 and x < 0.25:
            return self.mapping(depth + 1)
        if depth < 4 and x < 0.4:
            return [self.value(depth + 1) for _ in range(r.randint(0, 4))]
        if x < 0.72:
            return self.string()
        if x < 0.88:
            return self.number()
        return r.choice([None, True, False, {}, []])

    def mapping(self, depth):
        keys = []
        for _ in range(self.rng.randint(0, 7)):
            k = self.key()
            # Keys kustomize refuses (U+0085) or drops ("<<"), and inconsistent key sets.
            if k != '<<' and '\u0085' not in k and k not in keys and consistent(keys + [k]):
                keys.append(k)
        return {k: self.value(depth) for k in keys}


def go_less(a, b):
    """go-yaml v2's keyList.Less, with Python's Unicode tables (same for the runes used here)."""
    digit = lambda c: unicodedata.category(c) == 'Nd'
    letter = lambda c: unicodedata.category(c).startswith('L')
    wrap = lambda v: (v + 2**63) % 2**64 - 2**63  # Go int64 arithmetic
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            continue
        if letter(a[i]) and letter(b[i]):
            return a[i] < b[i]
        if letter(a[i]) or letter(b[i]):
            return letter(b[i])
        an = bn = 0
        if '0' in (a[i], b[i]):
            j = i - 1
            while j >= 0 and digit(a[j]):
                if a[j] != '0':
                    an = bn = 1
                    break
                j -= 1
        ai, bi = i, i
        while ai < len(a) and digit(a[ai]):
            an = wrap(an * 10 + ord(a[ai]) - 48)
            ai += 1
        while bi < len(b) and digit(b[bi]):
            bn = wrap(bn * 10 + ord(b[bi]) - 48)
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return a[i] < b[i]
    return len(a) < len(b)


def consistent(keys):
    return not any(go_less(a, b) and go_less(b, c) and not go_less(a, c)
                   for a in keys for b in keys for c in keys)


def to_fixture(doc):
    # kustomize reads the file with yaml.v3, which would fold raw U+0085/U+2028/U+2029 and
    # reject raw C1 controls, so those go in as JSON escapes.
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    return ''.join('\\u%04x' % ord(c) if 0x7f <= ord(c) <= 0xa0 or ord(c) in (0x2028, 0x2029, 0xfeff)
                   else c for c in text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('test_binary')
    parser.add_argument('--count', type=int, default=300)
    parser.add_argument('--seed', type=int, default=1)
    parser.add_argument('--keep', help='directory for the generated cases (kept afterwards)')
    args = parser.parse_args()
    cases = args.keep or tempfile.mkdtemp(prefix='yaml-writer-diff-')
    os.makedirs(cases, exist_ok=True)
    generator = Generator(args.seed)
    work = tempfile.mkdtemp()
    try:
        for i in range(args.count):
            doc = {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'case-%05d' % i},
                   'data': generator.mapping(1)}
            name = os.path.join(cases, 'case%05d' % i)
            with open(name + '.json', 'w', encoding='utf-8') as f:
                f.write(to_fixture(doc))
            shutil.copy(name + '.json', os.path.join(work, 'resource.json'))
            with open(os.path.join(work, 'kustomization.yaml'), 'w') as f:
                f.write('resources:\n- resource.json\n')
            printed = subprocess.run(['kubectl', 'kustomize', work], capture_output=True)
            with open(name + '.yaml', 'wb') as f:
                f.write(printed.stdout if printed.returncode == 0 else b'error\n')
        env = dict(os.environ, SLUICE_YAML_WRITER_DIFF_DIR=cases)
        result = subprocess.run([args.test_binary, '--gtest_filter=YamlWriterTest.DISABLED_MatchesKubectlOnGeneratedCases', '--gtest_also_run_disabled_tests'],
                                env=env)
    finally:
        shutil.rmtree(work)
        if not args.keep:
            shutil.rmtree(cases)
    sys.exit(result.returncode)


if __name__ == '__main__':
    main()
