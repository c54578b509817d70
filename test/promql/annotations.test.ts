import { describe, expect, it } from 'vitest';
import { Annotations } from '../../promql/annotations.ts';

describe('Annotations', () => {
  it('renders each message with its position in the query, warnings and infos apart', () => {
    const a = new Annotations();
    a.warn('w', 4);
    a.info('i', 0);
    expect(a.asStrings('abc\nde')).toEqual({ warnings: ['PromQL warning: w (2:1)'], infos: ['PromQL info: i (1:1)'] });
    expect([...a.warnings, ...a.infos]).toEqual(['PromQL warning: w', 'PromQL info: i']);
  });

  it('keeps one annotation per message, at the position added last, as Prometheus’ map keyed by message', () => {
    const a = new Annotations();
    a.info('same', 1);
    a.warn('other', 2);
    a.info('same', 3);
    expect(a.asStrings('abcdef')).toEqual({ warnings: ['PromQL warning: other (1:3)'], infos: ['PromQL info: same (1:4)'] });
  });

  it('renders a message made without a position as it is', () => {
    const a = new Annotations();
    a.warn('plain');
    expect(a.asStrings('x').warnings).toEqual(['PromQL warning: plain']);
  });

  it('adds no position without a query text, and says so when the position is outside it', () => {
    const a = new Annotations();
    a.warn('w', 0);
    a.info('i', 9);
    expect(a.asStrings('')).toEqual({ warnings: ['PromQL warning: w'], infos: ['PromQL info: i'] });
    expect(a.asStrings('abc').infos).toEqual(['PromQL info: i (invalid position)']);
  });

  it('caps each kind and counts what it left out; 0 means no cap', () => {
    const a = new Annotations();
    for (let i = 0; i < 5; i++) a.warn(`w${i}`, i);
    for (let i = 0; i < 3; i++) a.info(`i${i}`, i);
    expect(a.asStrings('abcdef', { maxWarnings: 3, maxInfos: 3 })).toEqual({
      warnings: ['PromQL warning: w0 (1:1)', 'PromQL warning: w1 (1:2)', 'PromQL warning: w2 (1:3)', '2 more warning annotations omitted'],
      infos: ['PromQL info: i0 (1:1)', 'PromQL info: i1 (1:2)', 'PromQL info: i2 (1:3)'],
    });
    expect(a.asStrings('abcdef', { maxWarnings: 1, maxInfos: 2 }).infos).toEqual(['PromQL info: i0 (1:1)', 'PromQL info: i1 (1:2)', '1 more info annotations omitted']);
    expect(a.asStrings('abcdef').warnings).toHaveLength(5);
  });
});
