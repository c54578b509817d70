import { ErrorWithReasonCode } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { sessionOptions, versionChoice, versionName } from '../../protocol/mqtt-session.ts';

describe('MQTT version and session', () => {
  it('asks for a kept session with an expiry under 5, and without one under 3.1.1, which has none', () => {
    expect(sessionOptions(5, 3600)).toEqual({ protocolVersion: 5, clean: false, properties: { sessionExpiryInterval: 3600 } });
    expect(sessionOptions(4, 3600)).toEqual({ protocolVersion: 4, clean: false });
    expect(sessionOptions(5, undefined)).toEqual({ protocolVersion: 5, clean: true, properties: { sessionExpiryInterval: 0 } });
    expect(sessionOptions(4, undefined)).toEqual({ protocolVersion: 4, clean: true });
  });

  it('steps down to 3.1.1 for good on a CONNACK that refuses the version, and on nothing else', () => {
    const v = versionChoice();
    expect(v.current()).toBe(5);
    expect(v.refused(new ErrorWithReasonCode('Connection refused: Not authorized', 0x87))).toBe(false);
    expect(v.refused(new Error('connect ECONNREFUSED 127.0.0.1:1883'))).toBe(false);
    expect(v.refused(undefined)).toBe(false);
    expect(v.current()).toBe(5);
    // aedes answers an MQTT 5 CONNECT with 3.1.1's code 1; an MQTT 5 broker would say 0x84.
    expect(v.refused(new ErrorWithReasonCode('Connection refused: Unacceptable protocol version', 1))).toBe(true);
    expect(v.current()).toBe(4);
    expect(v.refused(new ErrorWithReasonCode('Connection refused: Unsupported Protocol Version', 0x84))).toBe(false);
    expect(v.current()).toBe(4);
    expect(versionChoice().refused({ code: 0x84 })).toBe(true);
    expect([versionName(5), versionName(4)]).toEqual(['5', '3.1.1']);
  });
});
