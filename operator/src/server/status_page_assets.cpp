#include "server/status_page_assets.h"

namespace sluice::server {

// Landmarks (header, nav, main, sections with headings), tables with th scope, one polite live
// region that announces what changed, and a labelled filter: usable with a screen reader.
const std::string_view kStatusPageHtml = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sluice status</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/status.css">
<script src="/status.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<h1>sluice status</h1>
<p><span id="connection" role="status">Connecting&hellip;</span> <span id="updated"></span></p>
</header>
<nav aria-label="Sections">
<ul>
<li><a href="#applications">Applications</a></li>
<li><a href="#sources">Git sources</a></li>
<li><a href="#policies">Signing policies</a></li>
<li><a href="#events">Recent events</a></li>
</ul>
</nav>
<main id="main">
<div id="announcer" class="visually-hidden" aria-live="polite" aria-atomic="true"></div>
<section id="applications" aria-labelledby="applications-heading">
<h2 id="applications-heading">Applications</h2>
<p id="summary"></p>
<p class="filter"><label for="filter">Filter applications by name</label>
<input id="filter" type="search" autocomplete="off" spellcheck="false"></p>
<div class="scroll">
<table id="app-table" class="cards">
<caption class="visually-hidden">Applications and their state</caption>
<thead><tr><th scope="col">Application</th><th scope="col">Ready</th><th scope="col">Revision</th><th scope="col">Objects</th><th scope="col">Last reconcile</th></tr></thead>
<tbody></tbody>
</table>
</div>
<div id="app-details"></div>
</section>
<section id="sources" aria-labelledby="sources-heading">
<h2 id="sources-heading">Git sources</h2>
<div class="scroll">
<table id="source-table" class="cards">
<caption class="visually-hidden">Git sources, their revision and signature</caption>
<thead><tr><th scope="col">Source</th><th scope="col">Ready</th><th scope="col">URL and ref</th><th scope="col">Revision</th><th scope="col">Signature</th><th scope="col">Credentials</th></tr></thead>
<tbody></tbody>
</table>
</div>
</section>
<section id="policies" aria-labelledby="policies-heading">
<h2 id="policies-heading">Signing policies</h2>
<div class="scroll">
<table id="policy-table" class="cards">
<caption class="visually-hidden">Signing policies and their mode</caption>
<thead><tr><th scope="col">Policy</th><th scope="col">Mode</th><th scope="col">Ready</th></tr></thead>
<tbody></tbody>
</table>
</div>
</section>
<section id="events" aria-labelledby="events-heading">
<h2 id="events-heading">Recent events</h2>
<ol id="event-list" class="events"></ol>
</section>
</main>
<noscript><p>This page needs JavaScript for live updates. The data is at <a href="/api/v1/status">/api/v1/status</a>.</p></noscript>
</body>
</html>
)html";

// Status is never told by colour alone: every badge carries a symbol and a word.
const std::string_view kStatusPageCss =
    R"css(:root{color-scheme:light dark;--fg:#1b1b1b;--bg:#fff;--muted:#555;--line:#ccc;--ok:#0a6b2d;--bad:#a4161a;--unk:#7a5b00;--link:#0b57d0}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8e8;--bg:#141414;--muted:#aaa;--line:#444;--ok:#6fd08c;--bad:#ff8a8a;--unk:#f0c75e;--link:#8ab4f8}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:80rem;padding:0 1rem 2rem;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);overflow-wrap:break-word}
a{color:var(--link)}
a:focus,input:focus,summary:focus{outline:3px solid var(--link);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:var(--bg);padding:.5rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
header h1{margin:.75rem 0 0;font-size:1.6rem}
nav ul{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
h2{margin-top:2rem;border-bottom:1px solid var(--line)}
h3{margin:1.5rem 0 .25rem}
h4{margin:1rem 0 .25rem;font-size:1rem}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid var(--line)}
thead th{font-size:.9rem;color:var(--muted)}
code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.9em}
.badge{font-weight:600;white-space:nowrap}
.ok{color:var(--ok)}.bad{color:var(--bad)}.unknown{color:var(--unk)}
dl{display:grid;grid-template-columns:minmax(8rem,max-content) minmax(0,1fr);gap:.2rem 1rem;margin:.25rem 0}
dt{color:var(--muted)}dd{margin:0;min-width:0;overflow-wrap:anywhere}
article{border:1px solid var(--line);border-radius:.5rem;padding:0 1rem 1rem;margin:1rem 0}
.filter input{font:inherit;padding:.3rem .5rem;max-width:100%;margin-left:.5rem}
.events{padding-left:1.25rem}.events li{margin:.35rem 0}
.muted{color:var(--muted)}
@media (max-width:40rem){body{padding:0 .6rem 1.5rem}.mono{word-break:break-all}.cards thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}.cards,.cards tbody{display:block;width:100%}.badge{white-space:normal}.cards tr{display:block;border-bottom:1px solid var(--line);padding:.4rem 0}.cards th,.cards td{display:block;border:0;padding:.1rem 0}.cards td[data-label]::before{content:attr(data-label) ": ";color:var(--muted)}dl{grid-template-columns:minmax(0,1fr)}.cards td,.cards th,.events li{overflow-wrap:anywhere}dt{margin-top:.4rem}th,td{padding:.3rem}.filter label{display:block}.filter input{margin-left:0;width:100%}}
)css";

const std::string_view kStatusPageJs = R"js('use strict';
(() => {
  const byId = (id) => document.getElementById(id);
  // Builds an element; `text` sets textContent, other keys set attributes. Data is never
  // parsed as markup.
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null) continue;
      if (key === 'text') node.textContent = String(value); else node.setAttribute(key, String(value));
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }
  const BADGES = {True: ['ok', '\u2713'], False: ['bad', '\u2717'], Unknown: ['unknown', '?']};
  function badge(status, words) {
    const [cls, symbol] = BADGES[status] || BADGES.Unknown;
    return el('span', {class: 'badge ' + cls, 'data-status': status || 'Unknown'},
              el('span', {'aria-hidden': 'true', text: symbol + ' '}), words || status || 'Unknown');
  }
  function readyWords(app) {
    const s = app.ready.status;
    const words = s === 'True' ? 'Ready' : s === 'False' ? 'Not ready' : 'Unknown';
    return words + (app.ready.reason ? ' (' + app.ready.reason + ')' : '');
  }
  // A cell that names its column, shown before it when tables become cards on a phone.
  function cell(label, props, ...children) { return el('td', Object.assign({'data-label': label}, props), ...children); }
  function time(text) { return text ? el('time', {datetime: text, text}) : el('span', {class: 'muted', text: 'never'}); }
  function list(items, count) {
    const ul = el('ul');
    for (const item of items) ul.append(el('li', {class: 'mono', text: item}));
    if (count > items.length) ul.append(el('li', {class: 'muted', text: 'and ' + (count - items.length) + ' more'}));
    return ul;
  }
  function dl(rows) {
    const out = el('dl');
    for (const [term, value, field] of rows) {
      out.append(el('dt', {text: term}));
      const dd = el('dd', {'data-field': field});
      if (value instanceof Node) dd.append(value); else dd.textContent = value === '' || value === null || value === undefined ? '\u2014' : String(value);
      out.append(dd);
    }
    return out;
  }
  function conditionsTable(conditions, label) {
    const table = el('table', {class: 'conditions cards'}, el('caption', {class: 'visually-hidden', text: label}));
    const head = el('tr');
    for (const name of ['Condition', 'Status', 'Reason', 'Message', 'Since']) head.append(el('th', {scope: 'col', text: name}));
    table.append(el('thead', {}, head));
    const body = el('tbody');
    for (const c of conditions) {
      body.append(el('tr', {'data-condition': c.type}, el('th', {scope: 'row', text: c.type}), cell('Status', {}, badge(c.status)),
                     cell('Reason', {text: c.reason}), cell('Message', {text: c.message}), cell('Since', {}, time(c.lastTransitionTime))));
    }
    table.append(body);
    return el('div', {class: 'scroll'}, table);
  }
  function appArticle(app, open) {
    const v = app.verification || {};
    const sig = v.source || {};
    const article = el('article', {id: 'app-' + app.key, 'data-key': app.key, 'aria-labelledby': 'h-app-' + app.key},
      el('h3', {id: 'h-app-' + app.key, text: app.key}),
      dl([['Ready', badge(app.ready.status, readyWords(app)), 'ready'],
          ['Message', app.ready.message, 'message'],
          ['Suspended', app.suspended ? 'yes' : 'no', 'suspended'],
          ['Source', (app.source.kind || 'GitSource') + ' ' + app.source.key + (app.path ? ' path ' + app.path : ''), 'source'],
          ['Revision', app.revision, 'revision'],
          ['Last attempted', app.attemptedRevision, 'attempted'],
          ['Last reconcile', time(app.lastReconcile), 'last-reconcile'],
          ['Health', app.health ? app.health.status + (app.health.message ? ': ' + app.health.message : '') : '', 'health'],
          ['Service account', app.serviceAccountName, 'service-account']]),
      el('h4', {text: 'Conditions'}), conditionsTable(app.conditions, 'Conditions of ' + app.key),
      el('h4', {text: 'Verification'}),
      dl([['Verified', badge(v.condition.status, (v.condition.reason || v.condition.status)), 'verified'],
          ['Policy decision', v.condition.message, 'verified-message'],
          ['Signature', sig.method, 'signature-method'],
          ['Signer', sig.signer, 'signer'],
          ['Fingerprint', sig.fingerprint, 'fingerprint']]),
      el('h4', {text: 'Inventory: ' + app.inventory.count + ' objects'}));
    const details = el('details', {'data-details': 'inventory'}, el('summary', {text: 'Show the applied objects'}), list(app.inventory.items, app.inventory.count));
    if (open.has(app.key + '/inventory')) details.open = true;
    article.append(details, el('h4', {text: 'Drift'}));
    if (!app.drift) {
      article.append(el('p', {'data-field': 'drift', text: 'No drift recorded.'}));
    } else {
      const d = app.drift;
      article.append(dl([['Action', d.action, 'drift-action'], ['Drifted objects', d.count, 'drift'], ['Detected', time(d.time), 'drift-time']]));
      const fields = el('ul');
      for (const f of d.fields) fields.append(el('li', {}, el('span', {class: 'mono', text: f.object}), ': ' + f.paths.items.join(', ')));
      if (d.fields.length) article.append(fields); else if (d.objects.items.length) article.append(list(d.objects.items, d.objects.count));
    }
    return article;
  }
  let previous = new Map();
  function announce(doc) {
    const changes = [];
    const next = new Map();
    for (const app of doc.applications) {
      const state = readyWords(app) + (app.suspended ? ', suspended' : '') + ', revision ' + (app.revision || 'none');
      next.set(app.key, state);
      if (previous.size && previous.get(app.key) !== state) changes.push(app.key + ': ' + state);
    }
    previous = next;
    if (changes.length) byId('announcer').textContent = changes.slice(0, 5).join('. ') + (changes.length > 5 ? '. And more.' : '');
  }
  function render(doc) {
    const filter = byId('filter').value.trim().toLowerCase();
    const open = new Set();
    for (const d of document.querySelectorAll('article[data-key] details[open]')) open.add(d.closest('article').dataset.key + '/inventory');
    const s = doc.summary;
    byId('summary').textContent = s.applications + (s.applications === 1 ? ' application: ' : ' applications: ') + s.ready + ' ready, ' + s.notReady + ' not ready' + (doc.truncated ? ' (list cut short)' : '') + '.';
    const rows = [];
    const articles = [];
    for (const app of doc.applications) {
      if (filter && !app.key.toLowerCase().includes(filter)) continue;
      rows.push(el('tr', {'data-key': app.key},
        el('th', {scope: 'row'}, el('a', {href: '#app-' + app.key, text: app.key})),
        cell('Ready', {'data-field': 'ready'}, badge(app.ready.status, readyWords(app) + (app.suspended ? ', suspended' : ''))),
        cell('Revision', {'data-field': 'revision', class: 'mono', text: app.revision || '\u2014'}),
        cell('Objects', {'data-field': 'objects', text: app.inventory.count}),
        cell('Last reconcile', {'data-field': 'last-reconcile'}, time(app.lastReconcile))));
      articles.push(appArticle(app, open));
    }
    if (!rows.length) rows.push(el('tr', {}, el('td', {colspan: 5, text: doc.applications.length ? 'No application matches the filter.' : 'No applications.'})));
    byId('app-table').tBodies[0].replaceChildren(...rows);
    byId('app-details').replaceChildren(...articles);
    const sources = doc.sources.map((src) => {
      const sig = src.verification;
      const ref = Object.entries(src.ref).map(([k, val]) => k + ' ' + val).join(', ');
      return el('tr', {'data-key': src.key},
        el('th', {scope: 'row', text: src.key}),
        cell('Ready', {}, badge(src.ready.status, (src.ready.status === 'True' ? 'Ready' : src.ready.status === 'False' ? 'Not ready' : 'Unknown') + (src.suspended ? ', suspended' : ''))),
        cell('URL', {}, el('span', {class: 'mono', text: src.url}), el('br'), ref),
        cell('Revision', {class: 'mono', text: src.revision || '\u2014'}),
        cell('Signature', {'data-field': 'signature', text: sig ? sig.method + (sig.signer ? ' by ' + sig.signer : '') + (sig.fingerprint ? ' (' + sig.fingerprint + ')' : '') : '\u2014'}),
        cell('Credentials', {'data-field': 'secret-ref', text: src.secretRef ? 'Secret ' + src.secretRef : 'none'}));
    });
    if (!sources.length) sources.push(el('tr', {}, el('td', {colspan: 6, text: 'No Git sources.'})));
    byId('source-table').tBodies[0].replaceChildren(...sources);
    const policies = doc.policies.map((p) => el('tr', {'data-key': p.key}, el('th', {scope: 'row', text: p.name}),
      cell('Mode', {'data-field': 'mode', text: p.mode || 'Enforce'}), cell('Ready', {}, badge(p.ready.status))));
    if (!policies.length) policies.push(el('tr', {}, el('td', {colspan: 3, text: 'No signing policies.'})));
    byId('policy-table').tBodies[0].replaceChildren(...policies);
    const events = doc.events.map((e) => el('li', {'data-type': e.type},
      time(e.time), ' ', el('strong', {text: (e.type === 'Warning' ? '\u26a0 Warning' : 'Normal') + ' ' + e.reason}),
      ' ' + e.object.kind + ' ' + (e.object.namespace ? e.object.namespace + '/' : '') + e.object.name + ': ' + e.note));
    if (!events.length) events.push(el('li', {class: 'muted', text: 'No events recorded since the operator started.'}));
    byId('event-list').replaceChildren(...events);
    byId('updated').textContent = 'Updated ' + new Date().toLocaleTimeString() + '.';
  }
  let current = null;
  function show(doc) { current = doc; announce(doc); render(doc); }
  function connect() {
    const status = byId('connection');
    if (!window.EventSource) {
      status.textContent = 'Live updates unavailable; reload for fresh data.';
      fetch('/api/v1/status').then((r) => r.json()).then(show);
      return;
    }
    const source = new EventSource('/api/v1/events');
    source.addEventListener('status', (event) => {
      status.textContent = 'Live.';
      show(JSON.parse(event.data));
    });
    source.onerror = () => { status.textContent = 'Connection lost; reconnecting\u2026'; };
  }
  document.addEventListener('DOMContentLoaded', () => {
    byId('filter').addEventListener('input', () => { if (current) render(current); });
    connect();
  });
})();
)js";

}  // namespace sluice::server
