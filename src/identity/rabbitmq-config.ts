/**
 * RabbitMQ's OAuth 2 backend (rabbitmq_auth_backend_oauth2) as a verifier of device tokens: it
 * picks the public key by the token's `kid` from `signing_keys` in advanced.config, and wants
 * `aud` = its `resource_server_id`. This writes that advanced.config, one `{pem, …}` per key.
 */
import { fingerprint, parsePublicKey, pemOf } from './keys.js';
import type { DeviceRecord } from './registry-file.js';

export const DEFAULT_RESOURCE_SERVER_ID = 'rabbitmq';

/** An Erlang binary literal; PEM text holds no `"` or `\`, but a resource server id might. */
function binary(text: string): string {
  return `<<"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}">>`;
}

/**
 * A complete advanced.config (an Erlang term file) for the records' keys: the
 * `rabbitmq_auth_backend_oauth2` section with `resource_server_id` and `key_config.signing_keys`.
 * Devices sharing a pooled key share one entry. Merge it by hand into an existing advanced.config.
 */
export function formatRabbitmqAdvancedConfig(records: Iterable<DeviceRecord>, resourceServerId = DEFAULT_RESOURCE_SERVER_ID): string {
  const keys = new Map<string, string>();
  for (const record of records) {
    const publicKey = parsePublicKey(record.publicKey, `device ${record.deviceId}`);
    const kid = fingerprint(publicKey);
    if (!keys.has(kid)) keys.set(kid, pemOf(publicKey, 'spki').trim());
  }
  const entries = [...keys].map(([kid, pem]) => `        ${binary(kid)} => {pem, ${binary(pem)}}`);
  return [
    `%% advanced.config for rabbitmq_auth_backend_oauth2: ${keys.size} signing keys, by kid (mqtt-jwt-bench keys export --format rabbitmq).`,
    '[',
    '  {rabbitmq_auth_backend_oauth2, [',
    `    {resource_server_id, ${binary(resourceServerId)}},`,
    '    {key_config, [',
    '      {signing_keys, #{',
    entries.join(',\n'),
    '      }}',
    '    ]}',
    '  ]}',
    '].',
    '',
  ].join('\n');
}
