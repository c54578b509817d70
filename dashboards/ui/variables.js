// Dashboard template variables: `label_values(label)` or `label_values(selector, label)` queries, as Grafana's
// Prometheus data source writes them, and $name / ${name} substitution. No DOM: tested in Node.

const LABEL_VALUES = /^label_values\(\s*(?:(.+?)\s*,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/s;

export function parseLabelValues(query) {
  const m = LABEL_VALUES.exec(String(query).trim());
  if (!m) return undefined;
  return m[1] !== undefined ? { selector: m[1], label: m[2] } : { label: m[2] };
}

/** $name and ${name} replaced by their values; unknown names are left as they are, as Grafana leaves them. */
export function substitute(expr, values) {
  return expr.replace(/\$\{([a-zA-Z_][a-zA-Z0-9_]*)\}|\$([a-zA-Z_][a-zA-Z0-9_]*)/g, (whole, braced, bare) => {
    const name = braced ?? bare;
    return Object.hasOwn(values, name) ? String(values[name]) : whole;
  });
}

/**
 * The options and chosen value of each variable, in declaration order: a variable's query may use the ones before
 * it. `api` supplies labelValues(label, start, end) and series(match, start, end); `chosen` maps names to the
 * values in the URL, kept when still offered, else the first option is taken.
 */
export async function resolveVariables(defs, chosen, api, { start, end, builtins = {} }) {
  const values = { ...builtins };
  const out = [];
  for (const def of defs) {
    const parsed = parseLabelValues(def.query);
    let options = [];
    if (parsed && parsed.selector === undefined) {
      options = await api.labelValues(parsed.label, start, end);
    } else if (parsed) {
      const series = await api.series(substitute(parsed.selector, values), start, end);
      options = [...new Set(series.map((s) => s[parsed.label]).filter((v) => v != null && v !== ''))];
    }
    options = [...options].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    const value = options.includes(chosen[def.name]) ? chosen[def.name] : options[0] ?? '';
    values[def.name] = value;
    out.push({ name: def.name, label: def.label ?? def.name, options, value });
  }
  return { variables: out, values };
}
