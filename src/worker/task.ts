/**
 * The piscina entry: one long-lived task per worker. It prepares its shard of devices, then
 * runs each stage when the coordinator says go, shipping a metrics snapshot every second.
 */
import { systemClock } from '../util/clock.js';
import type { WorkerResult, WorkerTask } from './messages.js';
import { WorkerRun } from './worker-run.js';
import { faultyClock } from './faults.js';
import { loadEngine } from './engines/engine.js';
import { withTlsClient } from './tls-client.js';
import { withLocalPorts } from './local-ports.js';
import { totalDevices } from '../scenario/plan.js';

export default async function runWorkerTask(task: WorkerTask): Promise<WorkerResult> {
  // One TLS context per worker, shared by all its connections, and source ports picked in user
  // space: both built here, in the worker, as neither can cross threads.
  const target = withLocalPorts(withTlsClient(task.target, task.plan.mqtt.tlsResumption), totalDevices(task.plan));
  return new WorkerRun({ ...task, target }, faultyClock(systemClock, task.faults), await loadEngine(task.plan.mqtt, target)).execute();
}
