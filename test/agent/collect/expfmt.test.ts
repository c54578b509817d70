import { describe, expect, it } from 'vitest';
import {
  SCRAPE_ACCEPT_HEADER,
  formatExposition,
  formatFromContentType,
  parseExposition,
  type ExpositionFormat,
  type ParseResult,
} from '../../../agent/collect/scrape/expfmt.ts';

const parse = (text: string, format: ExpositionFormat = 'prometheus') => parseExposition(text, format);
const om = (text: string) => parseExposition(text, 'openmetrics');
const rows = (r: ParseResult) => r.samples.map((s) => [s.labels, s.value, s.timestampMs]);

describe('text format 0.0.4', () => {
  it('reads the reference example: HELP, TYPE, escapes, timestamps, comments and blank lines', () => {
    const r = parse(
      [
        '# HELP http_requests_total The total number of HTTP requests.',
        '# TYPE http_requests_total counter',
        'http_requests_total{method="post",code="200"} 1027 1395066363000',
        'http_requests_total{method="post",code="400"}    3 1395066363000',
        '',
        '# Escaping in label values:',
        'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
        '   ',
        'metric_without_timestamp_and_labels 12.47',
        'something_weird{problem="division by zero"} +Inf 3982045',
      ].join('\n'),
    );
    expect(rows(r)).toEqual([
      [{ __name__: 'http_requests_total', method: 'post', code: '200' }, 1027, 1395066363000],
      [{ __name__: 'http_requests_total', method: 'post', code: '400' }, 3, 1395066363000],
      [
        {
          __name__: 'msdos_file_access_time_seconds',
          path: 'C:\\DIR\\FILE.TXT',
          error: 'Cannot find file:\n"FILE.TXT"',
        },
        1458255915,
        undefined,
      ],
      [{ __name__: 'metric_without_timestamp_and_labels' }, 12.47, undefined],
      [{ __name__: 'something_weird', problem: 'division by zero' }, Infinity, 3982045],
    ]);
    expect(r.samples[0]?.name).toBe('http_requests_total');
    expect([...r.metadata.values()]).toEqual([
      { name: 'http_requests_total', type: 'counter', help: 'The total number of HTTP requests.' },
    ]);
  });

  it('allows whitespace between all tokens, trailing commas, missing commas and trailing whitespace', () => {
    const r = parse(
      [
        'a { x = "1" , y="2", } 1 \t',
        '\ta{x="1" y="2"}\t2\t 5 ',
        'b{x="1"}3',
        'c{} 4',
        '#\tTYPE d gauge',
        'd 5',
      ].join('\n'),
    );
    expect(rows(r)).toEqual([
      [{ __name__: 'a', x: '1', y: '2' }, 1, undefined],
      [{ __name__: 'a', x: '1', y: '2' }, 2, 5],
      [{ __name__: 'b', x: '1' }, 3, undefined],
      [{ __name__: 'c' }, 4, undefined],
      [{ __name__: 'd' }, 5, undefined],
    ]);
    expect(r.metadata.get('d')?.type).toBe('gauge');
  });

  it('ignores comments that are not HELP or TYPE, including OpenMetrics-only lines', () => {
    const r = parse('#\n#comment\n# HELPfoo bar\n# TYPE\n# UNIT a_seconds seconds\n# random text\n# EOF\na 1\n');
    expect(rows(r)).toEqual([[{ __name__: 'a' }, 1, undefined]]);
    expect(r.metadata.size).toBe(0);
  });

  it('unescapes only \\\\ and \\n in HELP and keeps everything after one separator', () => {
    const r = parse(
      [
        '# HELP a Path C:\\\\x\\nsecond line, \\"quotes\\" and \\t stay',
        '# HELP b   indented text  ',
        '# HELP c',
        '# HELP d ',
        '# TYPE e untyped',
      ].join('\n'),
    );
    expect(r.metadata.get('a')?.help).toBe('Path C:\\x\nsecond line, \\"quotes\\" and \\t stay');
    expect(r.metadata.get('b')?.help).toBe('  indented text  ');
    expect(r.metadata.get('c')).toEqual({ name: 'c', type: 'untyped', help: '' });
    expect(r.metadata.get('d')?.help).toBe('');
    expect(r.metadata.get('e')).toEqual({ name: 'e', type: 'untyped' });
  });

  it('keeps unknown escapes in label values literally and accepts a raw line break inside one', () => {
    const r = parse('a{x="tab\\tq\\\\n",y="two\nlines"} 1\nb 2\n');
    expect(rows(r)).toEqual([
      [{ __name__: 'a', x: 'tab\\tq\\n', y: 'two\nlines' }, 1, undefined],
      [{ __name__: 'b' }, 2, undefined],
    ]);
    expect(() => parse('a{y="two\nlines"} 1\nb x\n')).toThrow('line 3: invalid value "x"');
  });

  it('drops labels with empty values, as Prometheus does, and handles awkward label names', () => {
    const r = parse('a{x="",y="1"} 1\nb{__proto__="p",constructor="c",_="u"} 2\n');
    expect(r.samples[0]?.labels).toEqual({ __name__: 'a', y: '1' });
    const labels = r.samples[1]?.labels ?? {};
    expect(Object.keys(labels)).toEqual(['__name__', '__proto__', 'constructor', '_']);
    expect(labels['__proto__']).toBe('p');
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
  });
});

describe('numbers', () => {
  const cases: [string, number][] = [
    ['1', 1],
    ['-1', -1],
    ['+3', 3],
    ['1.5e3', 1500],
    ['1E-3', 0.001],
    ['.5', 0.5],
    ['5.', 5],
    ['007', 7],
    ['-0', -0],
    ['1e-400', 0],
    ['1.7976931348623157e308', Number.MAX_VALUE],
    ['NaN', NaN],
    ['nan', NaN],
    ['NAN', NaN],
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
    ['Inf', Infinity],
    ['inf', Infinity],
    ['+infinity', Infinity],
    ['-Infinity', -Infinity],
  ];
  it.each(cases)('reads %s the way Go ParseFloat does, in both formats', (text, expected) => {
    expect(parse(`a ${text}\n`).samples[0]?.value).toBe(expected);
    expect(om(`a ${text}\n# EOF\n`).samples[0]?.value).toBe(expected);
  });

  const invalid = ['0x10', '1_000', '0x1p-3', '+NaN', '-nan', 'infinit', 'Infinity1', '1e', 'e5', '.', '+', '1.2.3']
    .concat(['1e400', 'true']);
  it.each(invalid)('rejects %s', (text) => {
    expect(() => parse(`a ${text}\n`)).toThrow(`line 1: invalid value ${JSON.stringify(text)}`);
    expect(() => om(`a ${text}\n# EOF\n`)).toThrow(`line 1: invalid value ${JSON.stringify(text)}`);
  });

  it('reads OpenMetrics timestamps as float seconds, truncated to whole ms in decimal', () => {
    const ts = (t: string) => om(`a 1 ${t}\n# EOF\n`).samples[0]?.timestampMs;
    expect(ts('1520879607.789')).toBe(1520879607789);
    expect(ts('1.001')).toBe(1001);
    expect(ts('1.0019')).toBe(1001);
    expect(ts('-1.5')).toBe(-1500);
    expect(ts('-0.0009')).toBe(0);
    expect(ts('1e3')).toBe(1_000_000);
    expect(ts('15e-4')).toBe(1);
    expect(ts('1520879607')).toBe(1520879607000);
  });
});

describe('histograms and summaries', () => {
  it('normalises le and quantile of declared histograms and summaries, as Prometheus 3 does', () => {
    // Prometheus 2.42 kept le="1" and le="1.0" as different series; 3.x rewrites both to "1.0" in both formats, so
    // a bucket keeps its identity when an exporter switches format. Only the declared type triggers it.
    const text = [
      '# TYPE h histogram',
      'h_bucket{le="0.5"} 1',
      'h_bucket{le="1"} 2',
      'h_bucket{le="1000000"} 3',
      'h_bucket{le="+inf"} 4',
      'h_sum 7.5',
      'h_count 4',
      '# TYPE s summary',
      's{quantile="0"} 1',
      's{quantile="0.99"} 2',
      's_sum 3',
      's_count 2',
      'u_bucket{le="1"} 1',
      'u{quantile="1"} 1',
    ];
    const check = (r: ParseResult) => {
      expect(r.samples.map((s) => s.labels.le ?? s.labels.quantile ?? '-')).toEqual([
        '0.5', '1.0', '1e+06', '+Inf', '-', '-', '0.0', '0.99', '-', '-', '1', '1',
      ]);
      expect(r.metadata.get('h')?.type).toBe('histogram');
      expect(r.metadata.get('s')?.type).toBe('summary');
    };
    check(parse(text.join('\n')));
    check(om(`${text.join('\n')}\n# EOF\n`));
  });
});

describe('OpenMetrics 1.0', () => {
  it('reads counters with _total and _created, units, info, stateset, gaugehistogram and exemplars', () => {
    const r = om(
      [
        '# TYPE acme_http_router_request_seconds summary',
        '# UNIT acme_http_router_request_seconds seconds',
        '# HELP acme_http_router_request_seconds Latency \\"through\\" all of \\\\ routers.\\nSecond line.',
        'acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32',
        'acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0',
        'acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0',
        '# TYPE foo counter',
        'foo_total 17.0 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67',
        'foo_created 1520430000.123',
        '# TYPE hist histogram',
        'hist_bucket{le="0.01"} 0 # {trace_id="x",span="y"} 0.005 1520879607.1',
        'hist_bucket{le="+Inf"} 17 # {} 1.0',
        'hist_count 17',
        'hist_sum 324789.3',
        '# TYPE build info',
        'build_info{version="1.2"} 1',
        '# TYPE state stateset',
        'state{state="a"} 1',
        'state{state="bb"} 0',
        '# TYPE gh gaugehistogram',
        'gh_bucket{le="1"} 2',
        'gh_gcount 2',
        'gh_gsum 1',
        '# TYPE x unknown',
        'x 1',
        '# EOF',
      ].join('\n'),
    );
    const acme = 'acme_http_router_request_seconds';
    expect(r.samples.map((s) => s.name)).toEqual([
      ...[`${acme}_sum`, `${acme}_count`, `${acme}_created`, 'foo_total', 'foo_created'],
      ...['hist_bucket', 'hist_bucket', 'hist_count', 'hist_sum', 'build_info', 'state', 'state'],
      ...['gh_bucket', 'gh_gcount', 'gh_gsum', 'x'],
    ]);
    expect(r.samples[2]?.value).toBe(1605281325);
    expect(r.samples[3]).toEqual({
      name: 'foo_total',
      labels: { __name__: 'foo_total' },
      value: 17,
      timestampMs: 1520879607789,
    });
    expect(r.samples[4]?.value).toBe(1520430000.123);
    expect(r.samples[5]?.labels).toEqual({ __name__: 'hist_bucket', le: '0.01' });
    // Prometheus normalises le only for histograms, not gauge histograms.
    expect(r.samples[12]?.labels.le).toBe('1');
    expect(r.metadata.get('acme_http_router_request_seconds')).toEqual({
      name: 'acme_http_router_request_seconds',
      type: 'summary',
      unit: 'seconds',
      help: 'Latency "through" all of \\ routers.\nSecond line.',
    });
    expect([...r.metadata.values()].map((m) => m.type)).toEqual([
      'summary', 'counter', 'histogram', 'info', 'stateset', 'gaugehistogram', 'unknown',
    ]);
  });

  it('accepts "# EOF" without a final newline, an empty HELP and an empty UNIT', () => {
    const r = om('# HELP a \n# UNIT a \na 1\n# EOF');
    expect(r.metadata.get('a')).toEqual({ name: 'a', type: 'unknown', help: '' });
    expect(rows(r)).toEqual([[{ __name__: 'a' }, 1, undefined]]);
    expect(om('# EOF\n').samples).toEqual([]);
  });
});

describe('content negotiation', () => {
  it('sends the Accept header of Prometheus 2.42', () => {
    expect(SCRAPE_ACCEPT_HEADER).toBe(
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,' +
        'text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
    );
  });

  it.each([
    ['application/openmetrics-text; version=1.0.0; charset=utf-8', 'openmetrics'],
    ['Application/OpenMetrics-Text;version=0.0.1', 'openmetrics'],
    ['application/openmetrics-text', 'openmetrics'],
    ['text/plain; version=0.0.4; charset=utf-8', 'prometheus'],
    ['text/plain', 'prometheus'],
    ['application/json', 'prometheus'],
    ['', 'prometheus'],
    [undefined, 'prometheus'],
  ] as const)('%s → %s', (contentType, format) => {
    expect(formatFromContentType(contentType)).toBe(format);
  });
});

describe('formatExposition', () => {
  const result = (): ParseResult =>
    parse(
      '# HELP c_total Requests "served"\\n by \\\\ path.\n# TYPE c_total counter\n' +
        'c_total{path="/a\\"b\\\\c\\nd"} 1027 1395066363001\n# TYPE g gauge\ng 1e-7\ng{x="y"} -Inf\nfree 123456789\n',
    );

  it('writes the text format with Go float formatting', () => {
    expect(formatExposition(result(), 'prometheus')).toBe(
      '# HELP c_total Requests "served"\\n by \\\\ path.\n# TYPE c_total counter\n' +
        'c_total{path="/a\\"b\\\\c\\nd"} 1027 1395066363001\n' +
        '# TYPE g gauge\ng 1e-07\ng{x="y"} -Inf\nfree 1.23456789e+08\n',
    );
  });

  it('writes OpenMetrics with float seconds, escaped quotes in HELP and # EOF', () => {
    expect(formatExposition(result(), 'openmetrics')).toBe(
      '# HELP c_total Requests \\"served\\"\\n by \\\\ path.\n# TYPE c_total counter\n' +
        'c_total{path="/a\\"b\\\\c\\nd"} 1027.0 1395066363.001\n# TYPE g gauge\ng 1e-07\ng{x="y"} -Inf\n' +
        'free 1.23456789e+08\n# EOF\n',
    );
  });

  it('maps types each format lacks and refuses what it cannot write', () => {
    const meta = new Map([
      ['a', { name: 'a', type: 'untyped' as const }],
      ['b_bytes', { name: 'b_bytes', type: 'info' as const, unit: 'bytes' }],
    ]);
    expect(formatExposition({ samples: [], metadata: meta }, 'prometheus')).toBe(
      '# TYPE a untyped\n# TYPE b_bytes untyped\n',
    );
    expect(formatExposition({ samples: [], metadata: meta }, 'openmetrics')).toBe(
      '# TYPE a unknown\n# TYPE b_bytes info\n# UNIT b_bytes bytes\n# EOF\n',
    );
    const sample = { name: 'a', labels: { __name__: 'a' }, value: 1, timestampMs: -5 };
    expect(() => formatExposition({ samples: [sample], metadata: new Map() }, 'prometheus')).toThrow(RangeError);
    expect(formatExposition({ samples: [sample], metadata: new Map() }, 'openmetrics')).toBe('a 1.0 -0.005\n# EOF\n');
    const bad = { name: 'a', labels: { __name__: 'a', 'b-c': 'x' }, value: 1 };
    expect(() => formatExposition({ samples: [bad], metadata: new Map() }, 'prometheus')).toThrow(RangeError);
  });
});

describe('performance', () => {
  it('parses a 10,000-line exposition in well under 50 ms', () => {
    const lines: string[] = [];
    for (let i = 0; lines.length < 10_000; i++) {
      lines.push(`# HELP family_${i}_seconds Help text for family ${i}.`, `# TYPE family_${i}_seconds histogram`);
      for (const le of ['0.005', '0.01', '0.1', '1', '10', '+Inf']) {
        lines.push(`family_${i}_seconds_bucket{method="GET",path="/api/v1/items/${i}",le="${le}"} ${i * 7}`);
      }
      lines.push(`family_${i}_seconds_sum{method="GET",path="/api/v1/items/${i}"} ${i * 1.25}`);
      lines.push(`family_${i}_seconds_count{method="GET",path="/api/v1/items/${i}"} ${i * 7} 1700000000000`);
    }
    const text = `${lines.slice(0, 10_000).join('\n')}\n`;
    let best = Infinity;
    let samples = 0;
    for (let run = 0; run < 5; run++) {
      const start = performance.now();
      samples = parse(text).samples.length;
      best = Math.min(best, performance.now() - start);
    }
    expect(samples).toBe(8_000);
    expect(best).toBeLessThan(50);
  });
});
