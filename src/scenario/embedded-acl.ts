/**
 * What the embedded broker's ACL will refuse, foreseen from the plan (issue 24, item 4): it lets a
 * device subscribe only at or below its own downlink topic (util/akenza-topics.ts, the rule the
 * broker enforces), so a backend group subscribing to `/up/device/id/+` is refused with SUBACK
 * 0x80 and its uplink latency is never measured. Pure: `validate` and `run` print these.
 */
import { downlinkAllowed, downlinkTopic } from '../util/akenza-topics.js';
import { renderTemplate } from '../util/template.js';
import { deviceId } from './plan.js';
import type { RunPlan } from './run-plan.js';

/** One sentence per subscribe stage and group whose filter the embedded broker will refuse. */
export function embeddedAclRefusals(plan: Pick<RunPlan, 'broker' | 'groups' | 'stages'>): string[] {
  if (plan.broker.kind !== 'embedded') return [];
  return plan.stages.flatMap((stage, i) => {
    if (stage.type !== 'subscribe') return [];
    return stage.groups.flatMap((name) => {
      const group = plan.groups.find((g) => g.name === name);
      if (group === undefined) return [];
      // The first device stands for its group: every device's filter is made from one template.
      const id = deviceId(group, 0);
      const filter = renderTemplate(stage.topicTemplate, { deviceId: id, group: group.name });
      if (downlinkAllowed(id, filter)) return [];
      return [
        `stage ${i + 1} (subscribe, group ${name}): the embedded broker will refuse "${filter}" (SUBACK 0x80), so no ${stage.measure} latency will be measured; ` +
          `a device may subscribe only at or below its own downlink topic (${downlinkTopic(id)}); use an external broker to subscribe to other devices' topics`,
      ];
    });
  });
}
