// Entry point for the scrape path: the two text exposition formats Prometheus scrapes, read and written.
// The scanner is in expfmt-parse.ts (which documents where Prometheus' two parsers differ), numbers in
// expfmt-float.ts, the writer in expfmt-write.ts.
import type { ExpositionFormat } from './expfmt-types.ts';

export {
  ExpositionError,
  type ExpositionFormat,
  type MetricFamilyMeta,
  type MetricType,
  type ParseResult,
  type ParsedSample,
} from './expfmt-types.ts';
export { parseExposition } from './expfmt-parse.ts';
export { formatExposition } from './expfmt-write.ts';

/** What Prometheus 2.42 asks for: OpenMetrics preferred, the 0.0.4 text format as fallback. */
export const SCRAPE_ACCEPT_HEADER = [
  'application/openmetrics-text;version=1.0.0',
  'application/openmetrics-text;version=0.0.1;q=0.75',
  'text/plain;version=0.0.4;q=0.5',
  '*/*;q=0.1',
].join(',');

/**
 * The parser for a response's Content-Type. Like Prometheus 2.42, anything that is not OpenMetrics (text/plain, a
 * missing header, or an unexpected type) is read as the text format; Prometheus 3 would instead refuse an unknown
 * type unless fallback_scrape_protocol is set, which an agent on a small device has no use for.
 */
export function formatFromContentType(contentType: string | undefined): ExpositionFormat {
  if (contentType === undefined) return 'prometheus';
  const semicolon = contentType.indexOf(';');
  const media = (semicolon < 0 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return media === 'application/openmetrics-text' ? 'openmetrics' : 'prometheus';
}
