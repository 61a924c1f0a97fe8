/** The broker URLs and source addresses devices are spread over, added to the workers' target. */
import type { RunPlan } from '../scenario/run-plan.js';
import type { BrokerTarget } from '../worker/messages.js';

export function withSpread(target: BrokerTarget, plan: Pick<RunPlan, 'broker' | 'localAddresses'>): BrokerTarget {
  const urls = plan.broker.kind === 'url' && plan.broker.urls.length > 1 ? plan.broker.urls : undefined;
  return {
    ...target,
    ...(urls === undefined ? {} : { urls }),
    ...(plan.localAddresses.length > 0 ? { localAddresses: plan.localAddresses } : {}),
  };
}
