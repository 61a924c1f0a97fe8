/** The snapshot field for silent subscribers: absent when there are none, as most snapshots have. */
import type { SilentSubscriber, WorkerSnapshot } from './messages.js';

export function silentField(silent: SilentSubscriber[]): Pick<WorkerSnapshot, 'silentSubscribers'> {
  return silent.length === 0 ? {} : { silentSubscribers: silent };
}
