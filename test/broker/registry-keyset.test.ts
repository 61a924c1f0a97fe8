/** The registry with a JWK Set: which key a CONNECT is checked against, chosen by id or by kid. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeviceRegistry } from '../../src/broker/registry.js';
import { parseJwks, formatJwks } from '../../src/identity/jwks.js';
import { generateKeyPair } from '../../src/identity/keys.js';
import { peekKid } from '../../src/identity/token-header.js';

const b64 = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const ec = generateKeyPair('ES256');
const other = generateKeyPair('ES256');
const entry = parseJwks(formatJwks([{ deviceId: 'x', alg: 'ES256', publicKey: ec.publicKeyPem }]), 'set')[0];
if (entry === undefined) throw new Error('the set holds the key');

describe('peekKid', () => {
  it('reads a string kid from a compact JWS header, and nothing from anything else', () => {
    assert.equal(peekKid(`${b64({ alg: 'ES256', kid: 'abc' })}.e30.sig`), 'abc');
    for (const token of [
      '',
      'nodots',
      `.${b64({ kid: 'a' })}`,
      `${b64({ alg: 'ES256' })}.e30.x`,
      `${b64({ kid: 7 })}.e30.x`,
      `${b64('[1]')}.e30.x`,
      `${b64('{"kid":"a","kid":"b"}')}.e30.x`,
      `${b64({ kid: 'a', pad: 'p'.repeat(2000) })}.e30.x`,
    ]) {
      assert.equal(peekKid(token), undefined, token.slice(0, 40));
    }
  });
});

describe('DeviceRegistry with a key set', () => {
  it('a registered device is checked against its own key, whatever kid its token names', () => {
    const registry = new DeviceRegistry();
    registry.add([{ deviceId: 'dev-1', alg: 'ES256', publicKey: other.publicKeyPem }]);
    registry.addKeySet([entry]);
    const token = `${b64({ alg: 'ES256', kid: entry.kid })}.e30.x`;
    assert.notEqual(registry.resolve('dev-1', token)?.kid, entry.kid);
  });

  it('any other client id is checked against the key its kid names, under its own id; an unknown kid finds nothing', () => {
    const registry = new DeviceRegistry();
    registry.addKeySet([entry]);
    const found = registry.resolve('anyone', `${b64({ alg: 'ES256', kid: entry.kid })}.e30.x`);
    assert.deepEqual([found?.deviceId, found?.alg, found?.kid], ['anyone', 'ES256', entry.kid]);
    assert.equal(registry.resolve('anyone', `${b64({ alg: 'ES256', kid: 'nope' })}.e30.x`), undefined);
    assert.equal(registry.resolve('anyone', 'garbage'), undefined);
    assert.equal(new DeviceRegistry().resolve('anyone', `${b64({ alg: 'ES256', kid: entry.kid })}.e30.x`), undefined, 'no set, no key');
  });
});
