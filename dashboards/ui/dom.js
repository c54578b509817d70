// A few DOM helpers shared by the pages: every text goes in through textContent, never as HTML.

/** h('td', { className: 'num', title: 'x' }, 'text', childNode) */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k in el) el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  el.append(...children.flat(Infinity).filter((c) => c != null && c !== false).map((c) => (c instanceof Node ? c : String(c))));
  return el;
}

export function badge(text, kind) {
  return h('span', { className: `badge ${kind || ''}`.trim() }, text);
}

/** A table with a header row; `rows` are arrays of cells (strings, nodes, or [content, className]). */
export function table(id, headers, rows, empty) {
  const head = h('tr', null, headers.map(([text, className]) => h('th', { scope: 'col', className }, text)));
  const body = rows.length
    ? rows.map((cells) => h('tr', null, cells.map((c) => (Array.isArray(c) ? h('td', { className: c[1] }, c[0]) : h('td', null, c)))))
    : [h('tr', null, h('td', { colSpan: headers.length, className: 'muted empty' }, empty))];
  return h('div', { className: 'table-wrap' }, h('table', { id }, h('thead', null, head), h('tbody', null, body)));
}

/** A labelled <select> whose options are [value, text] pairs. */
export function select(id, label, options, value, onchange) {
  return h(
    'label',
    { className: 'control' },
    h('span', null, label),
    h('select', { id, onchange: (ev) => onchange(ev.target.value) }, options.map(([v, text]) => h('option', { value: v, selected: v === value }, text))),
  );
}

export function message(text, kind = 'muted') {
  return h('p', { className: kind, role: kind === 'error' ? 'alert' : null }, text);
}
