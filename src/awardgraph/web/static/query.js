// The SPARQL query page: edit a query, run it against the endpoint, show the results.
// Text from results only ever enters the page through textContent and DOM nodes.
'use strict';

const ACCEPT = 'application/sparql-results+json, application/n-triples;q=0.9';
const RESULT_FORMATS = ['csv', 'json', 'tsv', 'xml'];
const GRAPH_FORMATS = ['turtle', 'jsonld', 'ntriples'];
const FORMATS = {
  csv: ['CSV', '.csv'], json: ['JSON', '.json'], tsv: ['TSV', '.tsv'], xml: ['XML', '.xml'],
  turtle: ['Turtle', '.ttl'], jsonld: ['JSON-LD', '.jsonld'], ntriples: ['N-Triples', '.nt'],
};
const LOCAL_NAME = /^[A-Za-z0-9_](?:[\w.-]*[\w-])?$/;

const form = document.getElementById('query-form');
const endpoint = form.getAttribute('action');
const { entityUrl, baseIri } = form.dataset;
const catalogue = Object.fromEntries(
  [...document.querySelectorAll('#prefixes li')].map((li) => [li.dataset.prefix, li.dataset.iri]),
);
const runButton = document.getElementById('run');
const status = document.getElementById('status');
const errorBox = document.getElementById('error');
const links = document.getElementById('links');
const output = document.getElementById('output');
const editor = makeEditor(document.getElementById('query'), run);
let running = null;

/** CodeMirror over the textarea, or the textarea itself when CodeMirror is not there. */
function makeEditor(textarea, onRun) {
  if (window.CodeMirror) {
    const cm = CodeMirror.fromTextArea(textarea, {
      mode: 'sparql', lineNumbers: true, lineWrapping: true, viewportMargin: Infinity,
      extraKeys: { 'Ctrl-Enter': onRun, 'Cmd-Enter': onRun },
    });
    // CodeMirror types into a textarea of its own: give it the query field's name.
    cm.getInputField().setAttribute('aria-label', 'SPARQL query');
    return { get: () => cm.getValue(), set: (text) => cm.setValue(text), focus: () => cm.focus() };
  }
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      onRun();
    }
  });
  return {
    get: () => textarea.value,
    set: (text) => { textarea.value = text; },
    focus: () => textarea.focus(),
  };
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** The prefixes a query declares itself: PREFIX name: <iri>. */
function declaredPrefixes(text) {
  const found = text.matchAll(/\bPREFIX\s+([\w.-]*):\s*<([^>]*)>/gi);
  return Object.fromEntries([...found].map((match) => [match[1], match[2]]));
}

/** Insert PREFIX lines for those names the query does not declare yet, after its prologue. */
function insertPrefixes(names) {
  const lines = editor.get().split('\n');
  const declared = declaredPrefixes(lines.join('\n'));
  const added = names.filter((name) => !(name in declared))
    .map((name) => `PREFIX ${name}: <${catalogue[name]}>`);
  let at = 0;
  while (at < lines.length && /^\s*(#.*|(PREFIX|BASE)\s.*)?$/i.test(lines[at])) at += 1;
  while (at > 0 && !lines[at - 1].trim()) at -= 1;
  lines.splice(at, 0, ...added);
  editor.set(lines.join('\n'));
  editor.focus();
}

/** ag:Award, <award/x> under the base IRI, else the IRI itself. */
function shorten(iri, prefixes) {
  let best = null;
  for (const [prefix, namespace] of Object.entries(prefixes)) {
    if (namespace && iri.startsWith(namespace) && !(best && best[1].length >= namespace.length)) {
      best = [prefix, namespace];
    }
  }
  if (best && LOCAL_NAME.test(iri.slice(best[1].length))) {
    return `${best[0]}:${iri.slice(best[1].length)}`;
  }
  if (baseIri && iri.startsWith(baseIri) && iri.length > baseIri.length) {
    return `<${iri.slice(baseIri.length)}>`;
  }
  return iri;
}

/** One term of SPARQL JSON results as DOM nodes. */
function termNode(term, prefixes) {
  if (term.type === 'uri') {
    const link = el('a', shorten(term.value, prefixes));
    // A resource of the catalogue links to its page; any other IRI to what the data says of it.
    const local = baseIri && term.value.startsWith(baseIri) && term.value.length > baseIri.length;
    link.href = local
      ? '/' + encodeURI(term.value.slice(baseIri.length))
      : entityUrl + encodeURIComponent(term.value);
    link.title = term.value;
    return link;
  }
  if (term.type === 'bnode') return el('span', `_:${term.value}`, 'bnode');
  if (term.type === 'triple') {
    const { subject, predicate, object } = term.value;
    const span = el('span', '<< ', 'triple');
    for (const part of [subject, predicate, object]) span.append(termNode(part, prefixes), ' ');
    span.append('>>');
    return span;
  }
  const span = el('span', term.value, 'literal');
  if (term['xml:lang']) {
    span.append(el('span', `@${term['xml:lang']}`, 'note'));
  } else if (term.datatype) {
    const tag = el('span', `^^${shorten(term.datatype, prefixes)}`, 'note');
    tag.title = term.datatype;
    span.append(tag);
  }
  return span;
}

function table(names, rows, prefixes) {
  const results = el('table', undefined, 'results');
  const head = results.createTHead().insertRow();
  for (const name of names) {
    const th = el('th', name);
    th.scope = 'col';
    head.append(th);
  }
  const body = results.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const term of row) tr.insertCell().append(term ? termNode(term, prefixes) : '');
  }
  const wrap = el('div', undefined, 'table-scroll');
  wrap.append(results);
  return wrap;
}

const NT_TERM = /\s*(?:<([^>]*)>|_:(\S+)|"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?)/y;
const unescape = (text) => text.replace(
  /\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))/g,
  (_, u4, u8, char) => (u4 || u8
    ? String.fromCodePoint(parseInt(u4 || u8, 16))
    : { t: '\t', b: '\b', n: '\n', r: '\r', f: '\f' }[char] ?? char),
);

/** N-Triples (https://www.w3.org/TR/n-triples/) as rows of SPARQL JSON terms, or null. */
function parseNTriples(text) {
  const rows = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.trim().startsWith('#')) continue;
    NT_TERM.lastIndex = 0;
    const row = [];
    for (let i = 0; i < 3; i += 1) {
      const m = NT_TERM.exec(line);
      if (!m) return null;
      if (m[1] !== undefined) row.push({ type: 'uri', value: unescape(m[1]) });
      else if (m[2] !== undefined) row.push({ type: 'bnode', value: m[2] });
      else row.push({ type: 'literal', value: unescape(m[3]), 'xml:lang': m[4], datatype: m[5] });
    }
    if (!/^\s*\.\s*(#.*)?$/.test(line.slice(NT_TERM.lastIndex))) return null;
    rows.push(row);
  }
  return rows;
}

function showLinks(query, formats) {
  const params = (format) => new URLSearchParams(format ? { query, format } : { query });
  const url = (format) => `${endpoint}?${params(format)}`;
  const share = el('a', 'Share');
  share.href = url();
  share.title = 'A link that runs this query';
  links.replaceChildren(share, ' · Download:');
  for (const format of formats) {
    const download = el('a', FORMATS[format][0]);
    download.href = url(format);
    download.download = `results${FORMATS[format][1]}`;
    links.append(' ', download);
  }
  links.hidden = false;
  history.replaceState(null, '', url());
}

async function errorText(response) {
  const text = await response.text();
  try {
    const { error } = JSON.parse(text);
    return [`${error.status} ${error.title}`, error.message];
  } catch {
    const plain = (response.headers.get('Content-Type') || '').startsWith('text/plain');
    return [`${response.status} ${response.statusText}`, plain ? text : ''];
  }
}

function showError(title, message) {
  errorBox.replaceChildren(el('strong', title), el('p', message));
  errorBox.hidden = false;
  status.textContent = '';
}

function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

async function run() {
  const query = editor.get();
  running?.abort();
  const controller = new AbortController();
  running = controller;
  runButton.disabled = true;
  errorBox.hidden = true;
  links.hidden = true;
  output.replaceChildren();
  status.textContent = 'Running…';
  const started = performance.now();
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: ACCEPT },
      body: new URLSearchParams({ query }),
      signal: controller.signal,
    });
    if (!response.ok) {
      showError(...await errorText(response));
      return;
    }
    const type = response.headers.get('Content-Type') || '';
    const body = await response.text();
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const prefixes = { ...catalogue, ...declaredPrefixes(query) };
    let summary;
    if (type.includes('json')) {
      const data = JSON.parse(body);
      if ('boolean' in data) {
        output.replaceChildren(el('p', data.boolean ? 'Yes' : 'No', 'answer'));
        summary = `Answered in ${seconds} s`;
      } else {
        const names = data.head.vars;
        const rows = data.results.bindings.map((binding) => names.map((name) => binding[name]));
        output.replaceChildren(table(names, rows, prefixes));
        summary = `${plural(rows.length, 'row')} in ${seconds} s`;
      }
      showLinks(query, RESULT_FORMATS);
    } else {
      const triples = type.includes('n-triples') ? parseNTriples(body) : null;
      output.replaceChildren(
        triples ? table(['subject', 'predicate', 'object'], triples, prefixes) : el('pre', body),
      );
      summary = triples ? `${plural(triples.length, 'triple')} in ${seconds} s` : `${seconds} s`;
      showLinks(query, GRAPH_FORMATS);
    }
    const maxRows = response.headers.get('X-SPARQL-MaxRows');
    if (maxRows !== null) {
      summary += `. Cut at ${maxRows} rows, the endpoint's limit: narrow the query, or page`
        + ' through it with LIMIT and OFFSET.';
    }
    status.textContent = summary;
  } catch (error) {
    if (error.name !== 'AbortError') showError('The query did not run', String(error.message));
  } finally {
    if (running === controller) {
      runButton.disabled = false;
      running = null;
    }
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  run();
});

const picker = document.getElementById('example');
picker?.addEventListener('change', () => {
  const option = picker.selectedOptions[0];
  document.getElementById('example-description').textContent = option.dataset.description || '';
  if (option.value) editor.set(option.dataset.text);
});

for (const li of document.querySelectorAll('#prefixes li')) {
  li.querySelector('button').addEventListener('click', () => insertPrefixes([li.dataset.prefix]));
}
document.getElementById('insert-prefixes')
  .addEventListener('click', () => insertPrefixes(Object.keys(catalogue)));

if (form.dataset.autorun === 'true') run();
