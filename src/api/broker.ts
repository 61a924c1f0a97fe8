/**
 * `mqtt-jwt-bench/broker`: the embedded broker on its own and its building blocks
 * (docs/library.md, docs/embedded-broker.md). Pinned by test/api/public-api.test.ts.
 */
export { startBroker, type RunningBroker } from '../broker/server.js';
export { DEFAULT_VERIFY_POLICY, type BrokerOptions, type TlsMaterial } from '../broker/broker-options.js';
export { ensureLocalCertificates, type LocalCertificates } from '../broker/certificates.js';
export { formatRegistry, parseRegistryFile, type DeviceRecord, type RegistryFormat } from '../identity/registry-file.js';
export { verifyDeviceToken, REJECT_REASONS, type RejectReason, type VerifyPolicy, type VerifyOutcome } from '../identity/verify.js';
