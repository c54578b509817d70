// The time controls dashboards and explore share: range, auto-refresh.
import { select } from './dom.js';
import { parseDuration } from './format.js';

export const RANGES = ['5m', '15m', '30m', '1h', '3h', '6h', '12h', '24h', '2d', '7d'];
export const REFRESHES = ['off', '5s', '10s', '30s', '1m', '5m'];

/** A choice from the list, or the given value added to it (a dashboard may default to a range not listed). */
function withValue(list, value) {
  return (list.includes(value) ? list : [...list, value]).map((v) => [v, v]);
}

export function rangeSelect(value, onchange) {
  return select('range', 'Range', withValue(RANGES, value), value, onchange);
}

export function refreshSelect(value, onchange) {
  return select('refresh', 'Refresh', withValue(REFRESHES, value).map(([v]) => [v, v === 'off' ? 'off' : `every ${v}`]), value, onchange);
}

/** Milliseconds between refreshes, or 0 for "off" and anything unreadable. */
export function refreshMs(text) {
  const s = text === 'off' ? undefined : parseDuration(text);
  return s ? s * 1000 : 0;
}
