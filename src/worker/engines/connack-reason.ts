/** CONNACK codes by name: moved to reason-codes.ts, the one table; still exported here for its callers. */
export { connackReason } from './reason-codes.js';
