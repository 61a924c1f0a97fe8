/** The broker's operator log: one line per turned-away client, bounded per second, never a token. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Denial } from '../../src/broker/denials.js';
import { formatDenial, OperatorLog } from '../../src/broker/operator-log.js';

const T0 = Date.parse('2026-12-02T04:30:00.000Z');
const refused = (clientId: string): Denial => ({ kind: 'refused', clientId, remoteAddress: '127.0.0.1:50000', reason: 'bad-signature', returnCode: 5 });

describe('operator log lines', () => {
  it('name the time, client, address, reason and CONNACK code of a refusal', () => {
    assert.equal(
      formatDenial(refused('device-00001'), T0),
      '2026-12-02T04:30:00.000Z refused client="device-00001" from=127.0.0.1:50000 reason=bad-signature connack=5',
    );
    assert.equal(
      formatDenial({ kind: 'refused', clientId: 'x', remoteAddress: '[::1]:1', reason: 'not-jwt', returnCode: 4 }, T0),
      '2026-12-02T04:30:00.000Z refused client="x" from=[::1]:1 reason=not-jwt connack=4',
    );
  });

  it('say what the ACL denied and what the client got', () => {
    const base = { kind: 'acl-denied', clientId: 'd1', remoteAddress: '127.0.0.1:2' } as const;
    assert.equal(
      formatDenial({ ...base, action: 'publish', topic: '/up/device/id/d2' }, T0),
      '2026-12-02T04:30:00.000Z acl-denied client="d1" from=127.0.0.1:2 reason=publish topic="/up/device/id/d2" closed',
    );
    assert.equal(
      formatDenial({ ...base, action: 'subscribe', topic: '#' }, T0),
      '2026-12-02T04:30:00.000Z acl-denied client="d1" from=127.0.0.1:2 reason=subscribe topic="#" suback=0x80',
    );
    assert.match(formatDenial({ ...base, action: 'qos', topic: '/up/device/id/d1' }, T0), / reason=qos topic="\/up\/device\/id\/d1" closed$/);
  });

  it('say what an MQTT 5 client got: CONNACK 0x86/0x87, PUBACK/SUBACK 0x87, DISCONNECT 0x9B, and a refused re-authentication', () => {
    const base = { kind: 'acl-denied', clientId: 'd1', remoteAddress: '127.0.0.1:2', mqtt5: true } as const;
    assert.match(
      formatDenial({ kind: 'refused', clientId: 'd1', remoteAddress: '127.0.0.1:2', reason: 'bad-signature', returnCode: 5, mqtt5: true }, T0),
      / reason=bad-signature connack=0x87$/,
    );
    assert.match(
      formatDenial({ kind: 'refused', clientId: 'x', remoteAddress: '[::1]:1', reason: 'not-jwt', returnCode: 4, mqtt5: true }, T0),
      / connack=0x86$/,
    );
    assert.match(formatDenial({ ...base, action: 'publish', topic: '/up/device/id/d2' }, T0), / puback=0x87$/);
    assert.match(formatDenial({ ...base, action: 'subscribe', topic: '#' }, T0), / suback=0x87$/);
    assert.match(formatDenial({ ...base, action: 'qos', topic: '/up/device/id/d1' }, T0), / disconnect=0x9b$/);
    assert.equal(
      formatDenial({ kind: 'reauth-refused', clientId: 'd1', remoteAddress: '127.0.0.1:2', reason: 'exp-not-later', reasonCode: 0x87 }, T0),
      '2026-12-02T04:30:00.000Z reauth-refused client="d1" from=127.0.0.1:2 reason=exp-not-later disconnect=0x87',
    );
  });

  it('keep one line per client whatever the client id holds, and never a whole token sent as one', () => {
    const line = formatDenial(refused('evil\n2026-01-01T00:00:00.000Z refused client="x"\u0085\u2028'), T0);
    assert.equal(line.split(/[\n\r\u0085\u2028\u2029]/).length, 1, line);
    const token = `eyJhbGciOiJFUzI1NiIsImtpZCI6ImFiYyJ9.eyJhdWQiOiJ4IiwiZXhwIjoxfQ.${'s'.repeat(86)}`;
    const withToken = formatDenial(refused(token), T0);
    assert.ok(!withToken.includes(token.split('.')[2] as string), 'the signature is cut off');
    assert.match(withToken, /client="eyJ[^"]{61}…"/);
  });
});

describe('operator log rate limit', () => {
  it('prints at most linesPerSec lines a second and counts the rest, said once when the window closes or at flush', () => {
    let now = T0;
    const lines: string[] = [];
    const log = new OperatorLog({ write: (l) => lines.push(l), nowMs: () => now, linesPerSec: 3 });
    for (let i = 0; i < 10; i++) log.denied(refused(`d${i}`));
    assert.equal(lines.length, 3);
    now += 999;
    log.denied(refused('late'));
    assert.equal(lines.length, 3, 'still the same window');
    now += 1;
    log.denied(refused('next'));
    assert.deepEqual(lines.slice(3), [
      '2026-12-02T04:30:01.000Z 8 more refused or denied clients not printed (at most 3 lines/s)',
      '2026-12-02T04:30:01.000Z refused client="next" from=127.0.0.1:50000 reason=bad-signature connack=5',
    ]);
    log.flush();
    assert.equal(lines.length, 5, 'nothing held back, nothing said');
    for (let i = 0; i < 4; i++) log.denied(refused(`again${i}`));
    log.flush();
    assert.equal(lines.at(-1), '2026-12-02T04:30:01.000Z 2 more refused or denied clients not printed (at most 3 lines/s)');
  });

  it('defaults to 20 lines a second', () => {
    const lines: string[] = [];
    const log = new OperatorLog({ write: (l) => lines.push(l), nowMs: () => T0 });
    for (let i = 0; i < 25; i++) log.denied(refused(`d${i}`));
    log.flush();
    assert.equal(lines.length, 21);
    assert.match(lines[20] as string, / 5 more refused or denied clients not printed \(at most 20 lines\/s\)$/);
  });
});
