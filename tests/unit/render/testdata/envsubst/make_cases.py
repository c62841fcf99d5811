#!/usr/bin/env python3
"""Writes the envsubst differential cases (hand-picked ones plus seeded random ones) as JSON
on stdout, without results; reference/main.go adds drone/envsubst's results."""
import json
import random

VARS = {"NAME": "web", "EMPTY": "", "PATH_LIKE": "/usr/local/bin/app.tar.gz",
        "MIXED": "Hello World", "NUM": "12345", "UNI": "h\u00e9llo\u2603", "DOLLAR": "a$b"}

HAND = [
    "plain text", "", "$NAME", "${NAME}", "x${NAME}y", "${NAME}${NAME}", "$${NAME}", "$$NAME",
    "a$$b", "${UNSET}", "${UNSET:=dflt}", "${UNSET:-dflt}", "${UNSET=dflt}", "${UNSET-dflt}",
    "${UNSET:?msg}", "${UNSET:+alt}", "${NAME:=dflt}", "${EMPTY:-x}", "${UNSET:-${NAME}}",
    "${UNSET:-a b c}", "${UNSET:-a}b}", "${#NAME}", "${#UNI}", "${#}", "${NAME^}", "${NAME^^}",
    "${MIXED,}", "${MIXED,,}", "${NAME:1}", "${NAME:1:1}", "${NAME:-1}", "${NAME: -1}",
    "${NAME:10}", "${NAME:0:10}", "${NAME:x}", "${NAME:1:x}", "${PATH_LIKE#*/}",
    "${PATH_LIKE##*/}", "${PATH_LIKE%.*}", "${PATH_LIKE%%.*}", "${PATH_LIKE#/usr}",
    "${PATH_LIKE##[a-z/]*}", "${PATH_LIKE%[.]gz}", "${PATH_LIKE#[}", "${PATH_LIKE#\\}",
    "${PATH_LIKE/usr/opt}", "${PATH_LIKE//l/L}", "${PATH_LIKE/#\\/usr/X}", "${PATH_LIKE/%gz/bz2}",
    "${PATH_LIKE/l}", "${PATH_LIKE//\\//:}", "${MIXED/o/${NAME}}", "${", "${NAME", "${}",
    "${1x}", "${-}", "${NAME:}", "${NAME#}", "${NAME/}", "${NAME//}", "${NAME^^^}",
    "${NAME!}", "${NAME x}", "}", "{}", "$", "$$", "$$$", "${NAME}$", "\\/", "\\\\",
    "${UNSET:-\\/}", "${NAME/\\\\/x}", "${UNI^^}", "${UNI:1:2}", "${UNI%\u2603}",
    "key: ${NAME}\nother: ${UNSET:=7}\n", "${NAME:=}", "${UNSET:=}", "${UNSET:-${UNSET:-deep}}",
    "${NAME:+set}", "${DOLLAR}", "${NAME:-x:y}", "${NAME%%}", "${NAME:+}", "\u00e9${NAME}\u00e9",
    "${NAME:\u00e9}", "${UNSET:\u00e9-x}", "${NAME/e/\u2603}", "${UNSET/#x/y}",
]

ALPHABET = ["$", "{", "}", "$$", "${", "NAME", "UNSET", "EMPTY", ":", "-", "=", "?", "+", "#",
            "%", "/", "^", ",", "\\", "a", " ", "*", "[", "]", "1", "0", "\u00e9", "NUM", "."]


def random_text(rng):
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 12)))


def main():
    rng = random.Random(20261126)
    texts = HAND + [random_text(rng) for _ in range(600)]
    print(json.dumps([{"text": t, "vars": VARS} for t in texts], ensure_ascii=False, indent=1))


main()
