#!/usr/bin/env python3
"""Random, valid kustomization trees for differential runs of `sluice build` against
`kubectl kustomize` (see compare.py, which imports this module).

A tree is a folder holding one or two bases, components (kind: Component) and one or two
overlays stacked on the bases (`resources: [../base1]`). The generator keeps a model of every
resource as the kustomization being written sees it (current name, namespace, labels, images)
so that patches, replacements, vars, replicas and generator merges point at things that exist:
kubectl accepts most trees. Every choice comes from one random.Random(seed): the same seed
writes the same tree.

    gen_trees.py --seed N OUT_DIR        # write one tree; prints the folder to build

Features that sluice is known to render differently from kubectl are off by default and only
generated with --with FEATURE (FEATURES below lists them).
"""
import argparse
import base64
import json
import os
import random
import re
import sys

# Features generated only on request (--with NAME): each one a known difference from kubectl
# (see docs/testing.md), so the default batch stays green.
FEATURES = {
    # The same label key set by two label transformers (commonLabels, `labels` entries, at one
    # or several levels) with different field specs. kustomize's SetEntry shares one YAML node
    # among all the fields a transformer adds to a resource, and a later transformer that finds
    # the key writes into that node in place, so the later value also lands in the fields the
    # later transformer does not select (selectors, templates). sluice keeps values, not nodes.
    'label-aliasing': 'reuse label keys across label transformers',
    # A replacement creating a field from a string that reads as another type in YAML ("1e3",
    # "true", "1.25" from an image tag): kubectl prints it as the string (metadata.annotations
    # are read back as strings at the end of the build), sluice as the number or bool.
    'typed-replacement-values': 'replacement sources whose strings look like numbers',
}

KUSTOMIZE_API = 'kustomize.config.k8s.io/v1beta1'
COMPONENT_API = 'kustomize.config.k8s.io/v1alpha1'

# Strings that YAML writers and readers get wrong: YAML 1.1 lookalikes, numbers as strings,
# empty, unicode, long lines (go-yaml folds at column 80), lines with odd spacing.
TRICKY = [
    '', ' ', 'true', 'false', 'yes', 'No', 'on', 'OFF', 'y', 'n', 'null', '~', 'Null', '0', '1',
    '123', '-1', '0.5', '1e3', '1_000', '0x1F', '017', '08', '1.10', '.inf', '-.Inf', '.nan',
    '2001-12-14', '12:30:45', '1:20', 'a: b', 'a #b', '#hash', '- item', '? q', '@at', '`tick',
    '%pct', '&anchor', '*alias', '!tag', '|pipe', '>gt', "it's", 'say "hi"', 'back\\slash',
    '{braces}', '[brackets]', 'comma, separated', 'trailing ', ' leading', 'tab\there',
    'h\u00e9llo w\u00f6rld', '\u4e2d\u6587\u5b57\u7b26', 'emoji \U0001F600', 'caf\u00e9:latte',
    'line one\nline two\n', 'line one\nline two', 'ends with blank\n\n', '\nstarts with newline',
    'indented\n  more\n', 'trailing space \nnext', 'x' * 90,
    'a fairly long sentence of words that goes past the eighty column limit of the writer',
    'words ' * 25, 'key=value', 'http://example.com/path?q=1&r=2', '$(NOT_A_VAR)', '${HOME}',
]
WORDS = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'red', 'blue', 'green', 'fast', 'slow',
         'north', 'south', 'prod', 'dev', 'edge', 'core', 'cache', 'queue', 'store', 'front']
IMAGES = ['nginx', 'nginx:1.25', 'busybox', 'busybox:1.36', 'registry.example.com/team/app:v1',
          'ghcr.io/org/tool:2.0.1', 'redis@sha256:' + 'a' * 64, 'postgres:16-alpine',
          'quay.io/prom/node-exporter:v1.8.0']
PLAIN = re.compile(r'^[A-Za-z][A-Za-z0-9._/-]*$')
YAML11_WORDS = {'true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'null', '~'}


# ---------------------------------------------------------------- YAML writer (input side)

class Writer:
    """Writes block-style YAML, varying the input scalar styles (plain, single, double, literal)
    so the reader's side is exercised too. The output style is kustomize's business."""

    def __init__(self, rng):
        self.rng = rng

    def scalar(self, v):
        if v is None:
            return 'null'
        if isinstance(v, bool):
            return 'true' if v else 'false'
        if isinstance(v, (int, float)):
            return str(v)
        s = v
        if PLAIN.match(s) and s.lower() not in YAML11_WORDS and self.rng.random() < 0.7:
            return s
        if ("'" not in s and '\n' not in s and '\\' not in s and '\t' not in s
                and self.rng.random() < 0.4):
            return "'" + s + "'"
        quoted = json.dumps(s, ensure_ascii=False)
        if self.rng.random() < 0.3:   # escape what is not ASCII (YAML has no surrogate pairs)
            quoted = ''.join(c if ord(c) < 0x80 else
                             f'\\u{ord(c):04x}' if ord(c) < 0x10000 else f'\\U{ord(c):08x}'
                             for c in quoted)
        return quoted

    def literal_ok(self, s):
        return ('\n' in s and not s.startswith((' ', '\n')) and '\t' not in s
                and not any(line.endswith(' ') for line in s.split('\n'))
                and not s.endswith('\n\n') and self.rng.random() < 0.5)

    def key(self, k):
        if PLAIN.match(k) and k.lower() not in YAML11_WORDS:
            return k
        return json.dumps(k)

    def lines(self, obj, indent):
        pad = ' ' * indent
        out = []
        if isinstance(obj, dict):
            for k, v in obj.items():
                out += self.entry(pad + self.key(k) + ':', v, indent)
        elif isinstance(obj, list):
            for item in obj:
                if isinstance(item, dict) and item:
                    sub = self.lines(item, indent + 2)
                    sub[0] = pad + '- ' + sub[0][indent + 2:]
                    out += sub
                elif isinstance(item, list) and item:
                    out.append(pad + '-')
                    out += self.lines(item, indent + 2)
                else:
                    out += self.entry(pad + '-', item, indent)
        return out

    def entry(self, head, v, indent):
        if isinstance(v, dict):
            return [head + ' {}'] if not v else [head] + self.lines(v, indent + 2)
        if isinstance(v, list):
            if not v:
                return [head + ' []']
            # kustomize's own style puts list items at the key's indentation; vary it.
            return [head] + self.lines(v, indent + (2 if self.rng.random() < 0.3 else 0))
        if isinstance(v, str) and self.literal_ok(v):
            chomp = '' if v.endswith('\n') else '-'
            body = v[:-1] if v.endswith('\n') else v
            return [head + ' |' + chomp] + [(' ' * (indent + 2) + line) if line else ''
                                             for line in body.split('\n')]
        return [head + ' ' + self.scalar(v)]

    def doc(self, obj):
        return '\n'.join(self.lines(obj, 0)) + '\n'

    def docs(self, objs):
        return '---\n'.join(self.doc(o) for o in objs)


# ---------------------------------------------------------------- the model

class Res:
    """One resource as the kustomization being generated sees it."""

    def __init__(self, body, generated=False):
        self.body = body
        self.generated = generated   # made by a generator: its name gets a hash
        self.hashed = False          # current name carries a hash suffix
        self.kind = body['kind']
        self.api = body['apiVersion']
        self.name = body['metadata']['name']
        self.ns = body['metadata'].get('namespace')
        self.labels = dict(body['metadata'].get('labels', {}))
        self.image_has_colon = False
        self.removable = []          # label keys nothing else relies on
        self.hashed_disabled = False
        self.gen_kind = None         # 'cm' or 'secret' for generated ones
        self.gen_name = None

    @property
    def group(self):
        return self.api.split('/')[0] if '/' in self.api else ''

    @property
    def version(self):
        return self.api.split('/')[-1]


CLUSTER_SCOPED = {'Namespace', 'CustomResourceDefinition'}
WORKLOADS = {'Deployment', 'StatefulSet', 'CronJob'}


def pod_spec_path(kind):
    return {'CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec']}.get(
        kind, ['spec', 'template', 'spec'])


class Tree:
    def __init__(self, seed, features=()):
        self.seed = seed
        self.rng = random.Random(seed)
        self.features = set(features)
        self.w = Writer(self.rng)
        self.files = {}          # relative path -> text
        self.used_names = set()
        self.counter = 0
        self.var_count = 0

    # -------------------------------------------------------------- helpers

    def chance(self, p):
        return self.rng.random() < p

    def pick(self, seq):
        return self.rng.choice(list(seq))

    def fresh(self, stem):
        self.counter += 1
        return f'{stem}-{self.pick(WORDS)}{self.counter}'

    def tricky(self):
        r = self.rng.random()
        if r < 0.5:
            return self.pick(TRICKY)
        if r < 0.8:
            return self.pick(WORDS) + '-' + str(self.rng.randint(0, 999))
        return ' '.join(self.pick(WORDS) for _ in range(self.rng.randint(1, 20)))

    def label_value(self):
        return self.pick(['v1', 'prod', 'true', '123', '', 'a.b-c_d', '0.1', 'x' * 20])

    def write(self, path, text):
        self.files[path] = text

    # -------------------------------------------------------------- resources

    def meta(self, name, app, annotations=True):
        m = {'name': name, 'labels': {'app': app}}
        if self.chance(0.4):
            m['labels']['tier'] = self.pick(['web', 'backend', 'db'])
        if annotations and self.chance(0.4):
            m['annotations'] = {'note': self.tricky()}
        return m

    def container(self, name, refs, image):
        c = {'name': name, 'image': image}
        if self.chance(0.4):
            c['args'] = ['--port=8080', '--mode=' + self.pick(WORDS)]
        if self.chance(0.3):
            c['command'] = ['/bin/sh', '-c', self.pick(['echo hi', 'sleep 3600', 'exec "$@"'])]
        env = []
        if self.chance(0.6):
            env.append({'name': 'MODE', 'value': self.tricky()})
        if refs.get('cm') and self.chance(0.6):
            env.append({'name': 'FROM_CM', 'valueFrom': {'configMapKeyRef': {
                'name': self.pick(refs['cm']), 'key': 'key1'}}})
        if refs.get('secret') and self.chance(0.4):
            env.append({'name': 'FROM_SECRET', 'valueFrom': {'secretKeyRef': {
                'name': self.pick(refs['secret']), 'key': 'password'}}})
        if env:
            c['env'] = env
        env_from = []
        if refs.get('cm') and self.chance(0.5):
            env_from.append({'configMapRef': {'name': self.pick(refs['cm'])}})
        if refs.get('secret') and self.chance(0.4):
            env_from.append({'secretRef': {'name': self.pick(refs['secret'])}})
        if env_from:
            c['envFrom'] = env_from
        if self.chance(0.5):
            c['ports'] = [{'containerPort': self.pick([80, 8080, 9090]), 'name': 'http'}]
        if self.chance(0.3):
            c['resources'] = {'limits': {'cpu': self.pick(['100m', '1', '0.5']),
                                         'memory': self.pick(['64Mi', '1Gi', '128M'])}}
        return c

    def pod_spec(self, refs, main_image):
        spec = {'containers': [self.container('main', refs, main_image)]}
        if self.chance(0.3):
            spec['containers'].append(self.container('sidecar', refs, self.pick(IMAGES)))
        if refs.get('sa') and self.chance(0.6):
            spec['serviceAccountName'] = self.pick(refs['sa'])
        volumes = []
        if refs.get('cm') and self.chance(0.5):
            volumes.append({'name': 'config', 'configMap': {'name': self.pick(refs['cm'])}})
        if refs.get('secret') and self.chance(0.4):
            volumes.append({'name': 'secret', 'secret': {'secretName': self.pick(refs['secret'])}})
        if volumes:
            spec['volumes'] = volumes
            spec['containers'][0]['volumeMounts'] = [
                {'name': v['name'], 'mountPath': '/etc/' + v['name']} for v in volumes]
        return spec

    def workload(self, kind, app, refs):
        name = self.fresh(app)
        image = self.pick(IMAGES)
        pod = self.pod_spec(refs, image)
        if kind == 'CronJob':
            pod['restartPolicy'] = 'OnFailure'
            body = {'apiVersion': 'batch/v1', 'kind': 'CronJob', 'metadata': self.meta(name, app),
                    'spec': {'schedule': self.pick(['*/5 * * * *', '0 0 * * 0', '@hourly']),
                             'jobTemplate': {'spec': {'template': {'spec': pod}}}}}
        else:
            tmpl = {'metadata': {'labels': {'app': app}}, 'spec': pod}
            spec = {'selector': {'matchLabels': {'app': app}}, 'template': tmpl}
            if kind == 'Deployment' or self.chance(0.5):
                spec = {'replicas': self.rng.randint(0, 5), **spec}
            if kind == 'StatefulSet':
                spec['serviceName'] = self.pick(refs['svc']) if refs.get('svc') else app
                if self.chance(0.3):
                    spec['volumeClaimTemplates'] = [{
                        'metadata': {'name': 'data'},
                        'spec': {'accessModes': ['ReadWriteOnce'],
                                 'resources': {'requests': {'storage': '1Gi'}}}}]
            body = {'apiVersion': 'apps/v1', 'kind': kind, 'metadata': self.meta(name, app),
                    'spec': spec}
        r = Res(body)
        r.image_has_colon = ':' in image
        return r

    def service(self, app):
        port = {'port': self.pick([80, 443, 8080]), 'targetPort': self.pick([8080, 'http'])}
        if self.chance(0.5):
            port['name'] = 'http'
        if self.chance(0.3):
            port['protocol'] = 'TCP'
        spec = {'selector': {'app': app}, 'ports': [port]}
        if self.chance(0.3):
            spec['type'] = self.pick(['ClusterIP', 'NodePort'])
        return Res({'apiVersion': 'v1', 'kind': 'Service',
                    'metadata': self.meta(self.fresh(app + '-svc'), app), 'spec': spec})

    def config_map(self, app):
        data = {'key1': self.tricky()}
        for _ in range(self.rng.randint(0, 4)):
            data[self.pick(WORDS) + self.pick(['', '.conf', '_x', '-y'])] = self.tricky()
        return Res({'apiVersion': 'v1', 'kind': 'ConfigMap',
                    'metadata': self.meta(self.fresh(app + '-cm'), app), 'data': data})

    def secret(self, app):
        body = {'apiVersion': 'v1', 'kind': 'Secret',
                'metadata': self.meta(self.fresh(app + '-secret'), app), 'type': 'Opaque'}
        values = {'password': self.tricky(), 'user': self.pick(WORDS)}
        if self.chance(0.5):
            body['data'] = {k: base64.b64encode(v.encode()).decode() for k, v in values.items()}
        else:
            body['stringData'] = values
        return Res(body)

    def service_account(self, app):
        return Res({'apiVersion': 'v1', 'kind': 'ServiceAccount',
                    'metadata': self.meta(self.fresh(app + '-sa'), app)})

    def role(self, app):
        return Res({'apiVersion': 'rbac.authorization.k8s.io/v1', 'kind': 'Role',
                    'metadata': self.meta(self.fresh(app + '-role'), app),
                    'rules': [{'apiGroups': [''], 'resources': ['configmaps', 'secrets'],
                               'verbs': ['get', 'list', 'watch']}]})

    def role_binding(self, app, role, sa, ns):
        subject = {'kind': 'ServiceAccount', 'name': sa}
        if ns and self.chance(0.5):
            subject['namespace'] = ns
        return Res({'apiVersion': 'rbac.authorization.k8s.io/v1', 'kind': 'RoleBinding',
                    'metadata': self.meta(self.fresh(app + '-rb'), app),
                    'roleRef': {'apiGroup': 'rbac.authorization.k8s.io', 'kind': 'Role',
                                'name': role},
                    'subjects': [subject]})

    def ingress(self, app, svc):
        backend = {'service': {'name': svc, 'port': {'number': 80}}}
        spec = {'rules': [{'host': self.pick(['example.com', 'app.example.org']),
                           'http': {'paths': [{'path': '/', 'pathType': 'Prefix',
                                               'backend': backend}]}}]}
        if self.chance(0.3):
            spec['ingressClassName'] = 'nginx'
        if self.chance(0.3):
            spec['tls'] = [{'hosts': ['example.com'], 'secretName': 'tls-' + app}]
        return Res({'apiVersion': 'networking.k8s.io/v1', 'kind': 'Ingress',
                    'metadata': self.meta(self.fresh(app + '-ing'), app), 'spec': spec})

    def namespace(self):
        return Res({'apiVersion': 'v1', 'kind': 'Namespace',
                    'metadata': {'name': self.fresh('ns'), 'labels': {'app': 'ns'}}})

    def crd(self, plural, kind):
        return Res({'apiVersion': 'apiextensions.k8s.io/v1', 'kind': 'CustomResourceDefinition',
                    'metadata': {'name': plural + '.example.com', 'labels': {'app': 'crd'}},
                    'spec': {'group': 'example.com',
                             'names': {'kind': kind, 'plural': plural, 'singular': kind.lower()},
                             'scope': 'Namespaced',
                             'versions': [{'name': 'v1', 'served': True, 'storage': True,
                                           'schema': {'openAPIV3Schema': {
                                               'type': 'object',
                                               'x-kubernetes-preserve-unknown-fields': True}}}]}})

    def custom(self, kind, app):
        return Res({'apiVersion': 'example.com/v1', 'kind': kind,
                    'metadata': self.meta(self.fresh(app + '-' + kind.lower()), app),
                    'spec': {'size': self.rng.randint(1, 9), 'color': self.tricky(),
                             'enabled': self.chance(0.5)}})

    def resource_set(self, tag, ns, refs):
        """Resources of one app: a workload, maybe its Service, config, RBAC, Ingress..."""
        app = f'{self.pick(WORDS)}{tag}'
        out = []
        cm = self.config_map(app) if self.chance(0.6) else None
        secret = self.secret(app) if self.chance(0.4) else None
        sa = self.service_account(app) if self.chance(0.5) else None
        svc = self.service(app) if self.chance(0.7) else None
        local = {'cm': list(refs.get('cm', [])), 'secret': list(refs.get('secret', [])),
                 'sa': [], 'svc': []}
        for r, key in ((cm, 'cm'), (secret, 'secret'), (sa, 'sa'), (svc, 'svc')):
            if r:
                out.append(r)
                local[key].append(r.name)
        out.append(self.workload(self.pick(['Deployment'] * 3 + ['StatefulSet', 'CronJob']),
                                 app, local))
        if sa and self.chance(0.5):
            role = self.role(app)
            out += [role, self.role_binding(app, role.name, sa.name, ns)]
        if svc and self.chance(0.4):
            out.append(self.ingress(app, svc.name))
        for r in out:
            if 'tier' in r.labels:
                r.removable.append('tier')
        return out

    # -------------------------------------------------------------- generators

    def env_file(self):
        lines = []
        for i in range(self.rng.randint(1, 4)):
            k = f'{self.pick(WORDS).upper()}_{i}'
            v = self.pick(['plain', 'with spaces', '123', 'true', '', 'caf\u00e9', 'a=b',
                           'x' * 85])
            lines.append(f'{k}={v}')
            if self.chance(0.2):
                lines.append('# a comment')
            if self.chance(0.2):
                lines.append('')
        return '\n'.join(lines) + ('\n' if self.chance(0.8) else '')

    def file_content(self):
        return self.pick([
            'plain text\n', 'no trailing newline', 'line one\nline two\n',
            'server {\n  listen 80;\n  # comment\n}\n', 'caf\u00e9 \u4e2d\u6587\n',
            'trailing spaces   \nand tabs\t\n', '', '\n\n', 'key: value\nlist:\n- a\n',
            'x' * 120 + '\n', '{"json": true, "n": 1}\n',
        ])

    def generator(self, folder, kind, name, behavior=None):
        g = {'name': name}
        if behavior:
            g['behavior'] = behavior
        literals = []
        for _ in range(self.rng.randint(0 if behavior else 1, 3)):
            k = self.pick(WORDS) + self.pick(['', '_1', '.key', '-x'])
            v = self.pick(['v', 'with spaces', '123', 'true', '', 'a=b', 'caf\u00e9',
                           '"quoted"', "'single'", 'x' * 90, ' padded '])
            literals.append(f'{k}={v}')
        if kind == 'secret' and not behavior:
            literals.append('password=' + self.pick(['s3cret', 'p@ss w0rd', '']))
        elif kind == 'cm' and not behavior:
            literals.append('key1=' + self.pick(['one', '1', 'yes']))
        seen = {}
        for lit in literals:
            seen[lit.split('=', 1)[0]] = lit
        if seen:
            g['literals'] = list(seen.values())
        if self.chance(0.3):
            fname = self.fresh('file') + self.pick(['.txt', '.conf', ''])
            self.write(f'{folder}/{fname}', self.file_content())
            g['files'] = [self.pick([fname, 'renamed.key=' + fname])]
        if self.chance(0.2):
            ename = self.fresh('vars') + '.env'
            self.write(f'{folder}/{ename}', self.env_file())
            g['envs'] = [ename]
        if kind == 'secret' and not behavior and self.chance(0.3):
            g['type'] = self.pick(['Opaque', 'kubernetes.io/tls-ish', 'example.com/custom'])
        if self.chance(0.25):
            opts = {}
            if self.chance(0.5):
                opts['labels'] = {'gen': self.label_value()}
            if self.chance(0.5):
                opts['annotations'] = {'gen-note': self.tricky()}
            if self.chance(0.4):
                opts['disableNameSuffixHash'] = True
            if opts:
                g['options'] = opts
        if behavior and not any(k in g for k in ('literals', 'files', 'envs')):
            g['literals'] = ['merged=yes']
        return g

    # -------------------------------------------------------------- transformations

    def targetable(self, pool, kinds=None):
        return [r for r in pool if not r.hashed and r.kind not in CLUSTER_SCOPED
                and (kinds is None or r.kind in kinds)]

    def target_for(self, r, pool):
        """A patch target selecting r (and maybe others of its kind or app)."""
        t = {}
        roll = self.rng.random()
        if roll < 0.6:
            t = {'kind': r.kind, 'name': r.name}
        elif roll < 0.8:
            t = {'kind': r.kind}
        elif 'app' in r.labels:
            t = {'labelSelector': 'app=' + r.labels['app']}
        else:
            t = {'kind': r.kind, 'name': r.name}
        if 'kind' in t and self.chance(0.3):
            t['version'] = r.version
            if r.group:
                t['group'] = r.group
        chosen = [x for x in pool
                  if ('kind' not in t or x.kind == t['kind'])
                  and ('name' not in t or (x.name == t['name'] and not x.hashed))
                  and ('labelSelector' not in t or x.labels.get('app') == r.labels['app'])]
        return t, chosen

    def smp_body(self, r, name, targetless=False):
        body = {'apiVersion': r.api, 'kind': r.kind, 'metadata': {'name': name}}
        # Now and then the namespace is left out: kustomize then matches the patch against the
        # (name, namespace) pairs the resource has had, and fails when none has no namespace.
        if targetless and r.ns and not self.chance(0.1):
            body['metadata']['namespace'] = r.ns
        roll = self.rng.random()
        if r.kind in ('Deployment', 'StatefulSet') and roll < 0.5:
            spec = {}
            if self.chance(0.5):
                spec['replicas'] = self.rng.randint(1, 9)
            container = {'name': 'main'}
            if self.chance(0.5):
                container['image'] = self.pick(IMAGES)
            container['env'] = [{'name': 'PATCHED', 'value': self.tricky()}]
            spec['template'] = {'spec': {'containers': [container]}}
            if self.chance(0.3):
                spec['template']['metadata'] = {'annotations': {'patched': 'yes'}}
            body['spec'] = spec
        elif r.kind == 'Service' and roll < 0.5:
            body['spec'] = {'ports': [{'port': 9999, 'name': 'extra', 'targetPort': 9999}]}
        elif r.kind == 'ConfigMap' and roll < 0.6:
            body['data'] = {'patched': self.tricky()}
        else:
            body['metadata']['annotations'] = {'patched-by': self.tricky()}
            if self.chance(0.3):
                body['metadata']['labels'] = {'patched': 'true'}
        return body

    def json_ops(self, chosen):
        """JSON 6902 operations that are valid on every chosen resource."""
        kinds = {r.kind for r in chosen}
        ops = []
        key = 'j' + str(self.rng.randint(0, 99))
        if not all(r.labels for r in chosen):
            labels = {key: self.label_value()}
            for r in chosen:
                r.labels = dict(labels)
                r.removable = []
            return [{'op': 'add', 'path': '/metadata/labels', 'value': labels}]
        ops.append({'op': 'add', 'path': '/metadata/labels/' + key, 'value': self.label_value()})
        if all('app' in r.labels for r in chosen) and self.chance(0.3):
            ops.append({'op': 'copy', 'from': '/metadata/labels/app',
                        'path': '/metadata/labels/copied'})
        if self.chance(0.3):
            ops.append({'op': 'test', 'path': '/metadata/labels/' + key,
                        'value': ops[0]['value']})
        if self.chance(0.3):
            ops.append({'op': 'move', 'from': '/metadata/labels/' + key,
                        'path': '/metadata/labels/moved-' + key})
        elif self.chance(0.3):
            ops.append({'op': 'remove', 'path': '/metadata/labels/' + key})
        if len(kinds) == 1:
            kind = kinds.pop()
            pod = '/' + '/'.join(pod_spec_path(kind))
            if kind in WORKLOADS and self.chance(0.5):
                ops.append({'op': 'replace', 'path': pod + '/containers/0/image',
                            'value': self.pick(IMAGES)})
            if kind in WORKLOADS and self.chance(0.4):
                ops.append({'op': 'add', 'path': pod + '/containers/0/env/-',
                            'value': {'name': 'JSON_PATCHED', 'value': self.tricky()}}
                           if self.chance(0.5) else
                           {'op': 'add', 'path': pod + '/containers/0/args',
                            'value': ['--json', self.tricky()]})
            if kind == 'Deployment' and self.chance(0.4):
                ops.append({'op': 'replace', 'path': '/spec/replicas',
                            'value': self.rng.randint(0, 7)})
            if kind == 'Service' and self.chance(0.5):
                ops.append({'op': 'replace', 'path': '/spec/ports/0/port',
                            'value': self.pick([81, 8443])})
            if kind == 'ConfigMap' and self.chance(0.5):
                ops.append({'op': 'add', 'path': '/data/json-added', 'value': self.tricky()})
        if all('tier' in r.removable for r in chosen) and self.chance(0.3):
            ops.append({'op': 'remove', 'path': '/metadata/labels/tier'})
            for r in chosen:
                r.removable.remove('tier')
                r.labels.pop('tier', None)
        for op in ops:
            if op['path'].startswith('/metadata/labels/') and op['op'] != 'remove':
                for r in chosen:
                    r.labels[op['path'].rsplit('/', 1)[1]] = 'x'
        return ops

    def patch_text(self, kind, content):
        if kind == 'json' and self.chance(0.3):
            return json.dumps(content, ensure_ascii=False)
        if isinstance(content, list):
            return '\n'.join(self.w.lines(content, 0)) + '\n'
        return self.w.doc(content)

    def add_patches(self, k, folder, pool):
        cands = self.targetable(pool)
        if not cands:
            return
        patches = []
        for _ in range(self.rng.randint(1, 3)):
            r = self.pick(cands)
            if self.chance(0.5):   # strategic merge
                if self.chance(0.4):   # no target: the patch names its resource
                    content = self.smp_body(r, r.name, targetless=True)
                    target = None
                else:
                    target, chosen = self.target_for(r, pool)
                    if len({x.kind for x in chosen}) > 1:
                        content = {'apiVersion': 'v1', 'kind': 'Any',
                                   'metadata': {'name': 'any',
                                                'annotations': {'patched-by': self.tricky()}}}
                        # a kind-less SMP patch must still parse: keep the target's kind
                        content['kind'] = r.kind
                        content['apiVersion'] = r.api
                    else:
                        content = self.smp_body(r, r.name if 'name' in target else 'any')
                kind = 'smp'
            else:
                target, chosen = self.target_for(r, pool)
                content = self.json_ops(chosen)
                kind = 'json'
            entry = {}
            text = self.patch_text(kind, content)
            if self.chance(0.5):
                fname = self.fresh('patch') + ('.json' if text.startswith('[') else '.yaml')
                self.write(f'{folder}/{fname}', text)
                entry['path'] = fname
            else:
                entry['patch'] = text
            if target:
                entry['target'] = target
            patches.append(entry)
        k['patches'] = patches

    def add_deprecated_patches(self, k, folder, pool):
        cands = self.targetable(pool)
        if not cands:
            return
        if self.chance(0.5):
            psm = []
            for r in self.rng.sample(cands, min(len(cands), self.rng.randint(1, 2))):
                text = self.w.doc(self.smp_body(r, r.name, targetless=True))
                if self.chance(0.5):
                    fname = self.fresh('smp') + '.yaml'
                    self.write(f'{folder}/{fname}', text)
                    psm.append(fname)
                else:
                    psm.append(text)
            k['patchesStrategicMerge'] = psm
        else:
            r = self.pick(cands)
            target = {'version': r.version, 'kind': r.kind, 'name': r.name}
            if r.group:
                target['group'] = r.group
            text = self.patch_text('json', self.json_ops([r]))
            entry = {'target': target}
            if self.chance(0.5):
                fname = self.fresh('json') + '.yaml'
                self.write(f'{folder}/{fname}', text)
                entry['path'] = fname
            else:
                entry['patch'] = text
            k['patchesJson6902'] = [entry]

    def add_replacements(self, k, pool):
        sources = []
        for r in pool:
            if r.hashed or r.kind in CLUSTER_SCOPED:
                continue
            sources.append((r, 'metadata.name', None))
            if 'app' in r.labels:
                sources.append((r, 'metadata.labels.app', None))
            typed = 'typed-replacement-values' in self.features
            if r.kind in WORKLOADS and r.image_has_colon:
                path = '.'.join(pod_spec_path(r.kind)) + '.containers.[name=main].image'
                sources.append((r, path, {'delimiter': ':',
                                          'index': self.pick([0, 1]) if typed else 0}))
            if r.kind == 'ConfigMap' and not r.generated and typed:
                sources.append((r, 'data.key1', None))
        if not sources:
            return
        reps = []
        for _ in range(self.rng.randint(1, 2)):
            r, path, opts = self.pick(sources)
            source = {'kind': r.kind, 'name': r.name, 'fieldPath': path}
            if self.chance(0.3):
                source['version'] = r.version
            if opts:
                source['options'] = opts
            targets = []
            tkind = self.pick(['Deployment', 'Service', 'ConfigMap', 'StatefulSet'])
            present = [x for x in pool if x.kind == tkind and not x.hashed]
            if not present:
                continue
            t = {'select': {'kind': tkind}, 'fieldPaths': ['metadata.annotations.repl-' +
                                                           str(self.rng.randint(0, 9))],
                 'options': {'create': True}}
            if self.chance(0.3):
                t['select']['name'] = self.pick(present).name
            if self.chance(0.2) and len(present) > 1:
                t['reject'] = [{'name': self.pick(present).name}]
            targets.append(t)
            if tkind in ('Deployment', 'StatefulSet') and self.chance(0.4):
                colon = [x for x in present if x.image_has_colon]
                if colon and len(colon) == len(present):
                    targets.append({'select': {'kind': tkind},
                                    'fieldPaths': ['spec.template.spec.containers.[name=main].image'],
                                    'options': {'delimiter': ':', 'index': 1}})
            reps.append({'source': source, 'targets': targets})
        if reps:
            k['replacements'] = reps

    def add_vars(self, k, pool):
        workloads = [r for r in pool if r.kind in ('Deployment', 'StatefulSet') and not r.hashed]
        refs = [r for r in pool if r.kind in ('Service', 'ConfigMap', 'Deployment')
                and not r.hashed]
        if not workloads or not refs:
            return
        r = self.pick(refs)
        self.var_count += 1
        name = f'VAR_{self.var_count}_{r.kind.upper()}'
        v = {'name': name, 'objref': {'kind': r.kind, 'name': r.name, 'apiVersion': r.api}}
        if r.kind == 'ConfigMap' and not r.generated and self.chance(0.5):
            v['fieldref'] = {'fieldPath': 'data.key1'}
        elif r.kind == 'Deployment' and self.chance(0.5):
            v['fieldref'] = {'fieldPath': 'spec.replicas'}
        elif self.chance(0.3):
            v['fieldref'] = {'fieldPath': 'metadata.name'}
        k['vars'] = [v]
        return name

    def use_var(self, res_list, name):
        """Put $(NAME) into a container of one of the (new) workloads in res_list."""
        for r in res_list:
            if r.kind in ('Deployment', 'StatefulSet'):
                c = r.body['spec']['template']['spec']['containers'][0]
                if self.chance(0.5):
                    c.setdefault('args', []).append(f'--ref=$({name})')
                else:
                    c.setdefault('env', []).append({'name': 'REF', 'value': f'$({name})'})
                return True
        return False

    def label_key(self, keys):
        if 'label-aliasing' in self.features:
            return self.pick(keys)
        self.counter += 1
        return f'{self.pick(keys)}{self.counter}'

    def labels_and_annotations(self, k):
        if self.chance(0.3):
            k['commonLabels'] = {self.label_key(['env', 'team', 'owner']): self.label_value()}
        if self.chance(0.4):
            entries = []
            for _ in range(self.rng.randint(1, 2)):
                e = {'pairs': {self.label_key(['stage', 'zone', 'cost', 'env']):
                               self.label_value()}}
                if self.chance(0.5):
                    e['includeSelectors'] = self.chance(0.5)
                if self.chance(0.5):
                    e['includeTemplates'] = self.chance(0.5)
                entries.append(e)
            k['labels'] = entries
        if self.chance(0.4):
            k['commonAnnotations'] = {self.pick(['owner', 'note', 'desc', 'build']): self.tricky()
                                      for _ in range(self.rng.randint(1, 2))}

    def images(self, k, pool):
        if not self.chance(0.3):
            return
        entries = []
        for name in self.rng.sample(['nginx', 'busybox', 'registry.example.com/team/app',
                                     'redis', 'postgres'], self.rng.randint(1, 2)):
            e = {'name': name}
            roll = self.rng.random()
            if roll < 0.4:
                e['newTag'] = self.pick(['1.27', 'latest', 'v2.0', '2024.01'])
            elif roll < 0.6:
                e['digest'] = 'sha256:' + 'b' * 64
            if self.chance(0.4):
                e['newName'] = self.pick(['mirror.example.com/' + name.split('/')[-1],
                                          'other'])
            if len(e) == 1:
                e['newTag'] = 'v9'
            entries.append(e)
            if 'newTag' in e or 'digest' in e:
                for r in pool:
                    if r.kind in WORKLOADS:
                        r.image_has_colon = r.image_has_colon or 'newTag' in e or 'digest' in e
        k['images'] = entries

    def replicas(self, k, pool):
        ws = [r for r in pool if r.kind in ('Deployment', 'StatefulSet') and not r.hashed]
        if ws and self.chance(0.3):
            k['replicas'] = [{'name': r.name, 'count': self.rng.randint(0, 10)}
                             for r in self.rng.sample(ws, min(len(ws), self.rng.randint(1, 2)))]

    # -------------------------------------------------------------- one kustomization

    def apply_name_changes(self, pool, k):
        """The model after this kustomization's own renames and labels."""
        prefix, suffix = k.get('namePrefix', ''), k.get('nameSuffix', '')
        added = dict(k.get('commonLabels', {}))
        for e in k.get('labels', []):
            added.update(e['pairs'])
        for r in pool:
            if r.kind not in CLUSTER_SCOPED and (prefix or suffix):
                r.name = prefix + r.name + suffix
            if r.generated and not r.hashed_disabled:
                r.hashed = True
            if 'namespace' in k and r.kind not in CLUSTER_SCOPED:
                r.ns = k['namespace']
            r.labels.update(added)

    def resource_files(self, folder, res_list):
        """Names the files for res_list; they are written by finish() (vars may still edit
        the bodies)."""
        files = []
        i = 0
        while i < len(res_list):
            n = self.rng.randint(1, 3)
            chunk = res_list[i:i + n]
            i += n
            fname = self.fresh(chunk[0].kind.lower()) + self.pick(['.yaml', '.yaml', '.yml'])
            self.pending.append((f'{folder}/{fname}', chunk))
            files.append(fname)
        return files

    def generated_res(self, kind, g):
        body = {'apiVersion': 'v1', 'kind': 'ConfigMap' if kind == 'cm' else 'Secret',
                'metadata': {'name': g['name']}}
        r = Res(body, generated=True)
        opts = g.get('options', {})
        r.labels = dict(opts.get('labels', {}))
        r.hashed_disabled = opts.get('disableNameSuffixHash', False)
        r.gen_kind = kind
        r.gen_name = g['name']
        return r

    def kustomization(self, folder, below, tag, component=False):
        """The kustomization of `folder` over the folders `below` ((relative path, pool)
        pairs); returns it, the pool of resources it outputs (before its own renames, which
        finish() applies) and its own plain resources."""
        k = {}
        if component:
            k['apiVersion'] = COMPONENT_API
            k['kind'] = 'Component'
        elif self.chance(0.5):
            k['apiVersion'] = KUSTOMIZE_API
            k['kind'] = 'Kustomization'
        pool = []
        for _, sub in below:
            pool += sub
        refs = {'cm': [], 'secret': []}
        ns_here = self.fresh('ns') if not component and self.chance(0.3) else None
        # generators first: their names are what this folder's workloads refer to
        gens = {'cm': [], 'secret': []}
        if self.chance(0.6):
            for kind in ('cm', 'secret'):
                if self.chance(0.6 if kind == 'cm' else 0.4):
                    g = self.generator(folder, kind, self.fresh('gen-' + kind))
                    gens[kind].append(g)
                    refs[kind].append(g['name'])
        # merges and replaces of objects generated below
        for r in [x for x in pool if x.generated]:
            if self.chance(0.3):
                behavior = self.pick(['merge', 'merge', 'replace'])
                g = self.generator(folder, r.gen_kind, r.gen_name, behavior)
                g.pop('type', None)
                gens[r.gen_kind].append(g)
                r.labels.update(g.get('options', {}).get('labels', {}))
                r.hashed = True   # whether it keeps a hash is not modelled: never target it
        new_res = []
        if not below or self.chance(0.6 if component else 0.4):
            for _ in range(self.rng.randint(1, 2) if not below else 1):
                new_res += self.resource_set(tag, ns_here, refs)
            # one Namespace at most: a namespace transformer renames every Namespace object
            # to its namespace, and two of them would then collide
            if not below and tag == '1' and self.chance(0.25):
                new_res.append(self.namespace())
            if not below and self.chance(0.15):
                kind = 'Widget' + str(self.counter)
                new_res.append(self.crd(kind.lower() + 's', kind))
                custom = self.custom(kind, 'w' + tag)
                new_res.append(custom)
                if refs['cm'] and self.chance(0.6):
                    # a name reference kustomize only knows from `configurations`
                    custom.body['spec']['configRef'] = self.pick(refs['cm'])
                    fname = self.fresh('nameref') + '.yaml'
                    self.write(f'{folder}/{fname}', self.w.doc({'nameReference': [{
                        'kind': 'ConfigMap', 'version': 'v1',
                        'fieldSpecs': [{'kind': kind, 'path': 'spec/configRef'}]}]}))
                    k['configurations'] = [fname]
        resources = [path for path, _ in below if path]
        if resources and not component and self.chance(0.1):
            k['bases'] = resources
            resources = []
        if new_res:
            resources += self.resource_files(folder, new_res)
        if resources:
            k['resources'] = resources
        for kind in ('cm', 'secret'):
            for g in gens[kind]:
                if 'behavior' not in g:
                    pool.append(self.generated_res(kind, g))
        pool += new_res
        if gens['cm']:
            k['configMapGenerator'] = gens['cm']
        if gens['secret']:
            k['secretGenerator'] = gens['secret']
        if self.chance(0.2):
            opts = {}
            if self.chance(0.5):
                opts['disableNameSuffixHash'] = True
                names = {g['name'] for g in gens['cm'] + gens['secret']}
                for r in pool:
                    if r.generated and r.gen_name in names:
                        r.hashed_disabled = True
            if self.chance(0.5):
                opts['labels'] = {'generated-by': 'tree'}
            if self.chance(0.5):
                opts['annotations'] = {'generated-note': self.tricky()}
            if opts:
                k['generatorOptions'] = opts
        # transformations: targets are named as this folder sees them (before its renames)
        if self.chance(0.35):
            self.add_patches(k, folder, pool)
        if self.chance(0.12):
            self.add_deprecated_patches(k, folder, pool)
        if self.chance(0.25):
            self.add_replacements(k, pool)
        if self.chance(0.12):
            name = self.add_vars(k, pool)
            if name and not self.use_var(new_res, name):
                del k['vars']
        self.labels_and_annotations(k)
        self.images(k, pool)
        self.replicas(k, pool)
        if not component:
            if self.chance(0.35):
                k['namePrefix'] = self.pick(['p-', 'pre-', 'x', 'team-a-'])
            if self.chance(0.25):
                k['nameSuffix'] = self.pick(['-s', '-v2', '-prod'])
            if ns_here:
                k['namespace'] = ns_here
        return k, pool, new_res

    # -------------------------------------------------------------- the tree

    def build(self):
        """Makes all files (self.files); returns the folder to build (relative)."""
        self.pending = []
        bases = []
        for i in range(1 if self.chance(0.6) else 2):
            folder = f'base{i + 1}'
            k, pool, _ = self.kustomization(folder, [], f'{i + 1}')
            self.finish(folder, k, pool)
            bases.append((folder, pool))
        if self.chance(0.1):
            return bases[0][0]
        below = [(f'../{b}', p) for b, p in bases]
        base_pool = [r for _, p in bases for r in p]
        comps = []
        comp_pool = []
        for i in range(self.rng.choice([0, 0, 1, 1, 2])):
            folder = f'components/c{i + 1}'
            # a component sees what the overlay has accumulated when it runs
            k, pool, _ = self.kustomization(folder, [('', base_pool + comp_pool)], f'c{i + 1}',
                                            component=True)
            if len(k) == 2:   # apiVersion and kind only: kustomize calls that empty
                k['commonAnnotations'] = {'component': f'c{i + 1}'}
            comp_pool += pool[len(base_pool) + len(comp_pool):]
            self.apply_name_changes(pool, k)
            self.finish(folder, k, [])
            comps.append(folder)
        k, pool, _ = self.kustomization('overlay', below, 'o')
        if comps:
            k['components'] = [f'../{c}' for c in comps]
        self.finish('overlay', k, pool + comp_pool)
        if self.chance(0.35):
            k2, pool2, _ = self.kustomization('overlay2', [('../overlay', pool + comp_pool)],
                                              'p')
            self.finish('overlay2', k2, pool2)
            return 'overlay2'
        return 'overlay'

    def finish(self, folder, k, pool):
        for path, chunk in self.pending:
            self.write(path, self.w.docs([r.body for r in chunk]))
        self.pending = []
        self.write(f'{folder}/kustomization.yaml', self.w.doc(k))
        self.apply_name_changes(pool, k)


def copy_res(r):
    c = Res.__new__(Res)
    c.__dict__ = dict(r.__dict__)
    c.labels = dict(r.labels)
    c.removable = list(r.removable)
    return c


def generate(seed, out_dir, features=()):
    """Writes the tree of `seed` into out_dir; returns the folder to build."""
    tree = Tree(seed, features)
    top = tree.build()
    for path, text in tree.files.items():
        full = os.path.join(out_dir, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, 'w', encoding='utf-8') as f:
            f.write(text)
    return os.path.join(out_dir, top)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seed', type=int, required=True)
    ap.add_argument('--with', dest='features', action='append', default=[],
                    choices=sorted(FEATURES))
    ap.add_argument('out_dir')
    args = ap.parse_args()
    print(generate(args.seed, args.out_dir, args.features))


if __name__ == '__main__':
    sys.exit(main())
