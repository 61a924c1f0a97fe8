/**
 * Entry of the embedded broker's own worker thread. Aedes costs several times more CPU per
 * connection than the clients, so it must not share the harness's event loops.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ensureLocalCertificates } from './certificates.js';
import { startBroker } from './server.js';
import type { BrokerThreadData, FromBrokerThread, ToBrokerThread } from './thread-messages.js';
import { errorMessage } from '../errors.js';

const port = parentPort;
if (port === null) throw new Error('broker/thread.js must run as a worker thread');
const post = (message: FromBrokerThread): void => port.postMessage(message);
const data = workerData as BrokerThreadData;

try {
  const { localCertDir, ...options } = data;
  const local = localCertDir !== undefined && options.tls === undefined && options.tlsPort != null ? await ensureLocalCertificates(localCertDir) : undefined;
  const broker = await startBroker(local === undefined ? options : { ...options, tls: { certPem: local.certPem, keyPem: local.keyPem } });
  post({
    type: 'listening',
    host: broker.host,
    port: broker.port,
    ...(broker.tlsPort === undefined ? {} : { tlsPort: broker.tlsPort }),
    ...(broker.wsPort === undefined ? {} : { wsPort: broker.wsPort }),
    ...(local === undefined ? {} : { caPem: local.caPem }),
  });
  port.on('message', (message: ToBrokerThread) => {
    try {
      switch (message.type) {
        case 'register':
          broker.registry.add(message.devices);
          post({ type: 'registered', id: message.id, count: broker.registry.size });
          break;
        case 'metrics':
          post({ type: 'metrics', id: message.id, metrics: broker.metrics.snapshot() });
          break;
        case 'close':
          void broker.close().then(() => {
            post({ type: 'closed', id: message.id, metrics: broker.metrics.snapshot() });
            port.close();
          });
          break;
      }
    } catch (error) {
      post({ type: 'error', id: message.id, message: errorMessage(error) });
    }
  });
} catch (error) {
  post({ type: 'failed', message: errorMessage(error) });
}
