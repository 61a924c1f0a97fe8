/**
 * The RunPlan: what the code runs. Plain, serialisable data with every default applied, built
 * from a validated Scenario by a pure function. Cross-field rules live here too, and report
 * problems with their paths exactly like the schema does.
 *
 * Longer than 300 lines on purpose: a third of it is the RunPlan's type declarations, which every
 * other module imports from here, and the rest is one pure function (buildPlan) with its group and
 * stage helpers. Stages beyond the basic five already live in plan-stages.ts.
 */
import type { TokenSpec } from '../identity/token.js';
import { topicFilterProblem } from '../util/topic-filter.js';
import { renderTemplate } from '../util/template.js';
import type { ScenarioGroup, Scenario, ScenarioStage } from './schema.js';
import { parseThreshold, type Threshold } from './threshold.js';
import { expandLocalAddresses } from './local-addresses.js';
import { planTls } from './tls-plan.js';
import { stageLayout, type StageLayout } from './stage-layout.js';
import { planGroupIdentity, planPayload, type IdListReader } from './group-identity.js';
import { checkStageRules, planDownlinkStage, planExtraStage, planPublishStage } from './plan-stages.js';
import { planConnectProperties, planWill } from './mqtt5-plan.js';
import { formatDurationMs } from './units.js';
import { defaultRefreshBeforeMs } from './token-defaults.js';
import { errorMessage } from '../errors.js';
import { itemAt } from '../util/item-at.js';
import type { BrokerPlan, EmbeddedBrokerPlan, KeySourcePlan, GroupPlan, StagePlan, RunPlan, PlanProblem } from './run-plan.js';

export interface PlanContext {
  scenarioName: string;
  availableCores: number;
  /** Reads id list files (`groups[].ids`); absent for scenarios built in code without files. */
  readIds?: IdListReader;
}

/** Turns text already checked by the schema into a number (the regexes guarantee it parses). */

export function deviceId(group: Pick<GroupPlan, 'idPattern' | 'name'> & { ids?: string[] | null }, localIndex: number): string {
  const listed = group.ids?.[localIndex];
  if (listed !== undefined) return listed;
  return renderTemplate(group.idPattern, { index: localIndex + 1, group: group.name });
}

/** A stage's order of devices, for this plan's groups. */
export function planStageLayout(plan: Pick<RunPlan, 'groups'>, stage: StagePlan): StageLayout {
  return stageLayout(plan.groups, stage.groups, stage.type === 'connect' || stage.type === 'publish' ? stage.order : 'grouped');
}

export function totalDevices(plan: Pick<RunPlan, 'groups'>): number {
  return plan.groups.reduce((sum, g) => sum + g.count, 0);
}

/** Builds the RunPlan, or returns every cross-field problem found. */
export function buildPlan(scenario: Scenario, context: PlanContext): { plan: RunPlan; problems: [] } | { plan: undefined; problems: PlanProblem[] } {
  const problems: PlanProblem[] = [];
  const groups = planGroups(scenario, context, problems);
  const stages = scenario.stages.map((stage, i) => planStage(stage, i, groups, problems, scenario.mqtt.protocolVersion));
  const userProperties = planConnectProperties(scenario, problems);
  const will = planWill(scenario, problems);
  checkStageOrder(stages, problems);
  checkStageRules(scenario, stages, problems);
  const thresholds = planThresholds(scenario.thresholds, ['thresholds'], problems);
  const capacity =
    scenario.capacity === undefined
      ? null
      : { thresholds: planThresholds(scenario.capacity.thresholds, ['capacity', 'thresholds'], problems), stopAtBreak: scenario.capacity.stopAtBreak };
  if (scenario.broker === 'embedded') checkEmbeddedFits(scenario, stages, problems);
  const tls = planTls(scenario, problems);
  const localAddresses = planLocalAddresses(scenario, problems);
  if (problems.length > 0) return { plan: undefined, problems };
  const plan: RunPlan = {
    scenarioName: context.scenarioName,
    broker: planBroker(scenario.broker),
    localAddresses,
    workers: scenario.workers ?? Math.max(1, context.availableCores),
    mqtt: {
      protocolVersion: scenario.mqtt.protocolVersion,
      keepaliveSec: Math.round(scenario.mqtt.keepalive / 1000),
      connectTimeoutMs: scenario.mqtt.connectTimeout,
      clean: scenario.mqtt.clean,
      sessionExpirySec: scenario.mqtt.sessionExpiry === undefined ? null : scenario.mqtt.sessionExpiry / 1000,
      userProperties,
      will,
      reconnect: {
        enabled: scenario.mqtt.reconnect.enabled,
        initialDelayMs: scenario.mqtt.reconnect.initialDelay,
        maxDelayMs: scenario.mqtt.reconnect.maxDelay,
        maxAttempts: scenario.mqtt.reconnect.maxAttempts,
      },
      engine: scenario.mqtt.engine,
      qosAboveMaximum: scenario.mqtt.qosAboveMaximum,
      tlsResumption: scenario.mqtt.tlsResumption,
      auth: { way: 'password' },
    },
    tls,
    embedded: planEmbedded(scenario.embedded),
    groups,
    stages,
    thresholds,
    capacity,
    expect: scenario.expect,
    minSentPercent: scenario.minSentPercent,
    judgeGenerator: scenario.judgeGenerator,
    clock: { probe: scenario.clock.probe, correct: scenario.clock.correct, topicTemplate: scenario.clock.topic, intervalMs: scenario.clock.interval },
    stopEarly: scenario.stopEarly,
  };
  return { plan, problems: [] };
}

function planBroker(broker: Scenario['broker']): BrokerPlan {
  if (broker === 'embedded') return { kind: 'embedded' };
  const urls = typeof broker === 'string' ? [broker] : broker;
  return { kind: 'url', url: itemAt(urls, 0), urls };
}

function planLocalAddresses(scenario: Scenario, problems: PlanProblem[]): string[] {
  if (scenario.localAddress === undefined) return [];
  const outcome = expandLocalAddresses(typeof scenario.localAddress === 'string' ? [scenario.localAddress] : scenario.localAddress);
  if (outcome.ok) return outcome.addresses;
  problems.push({ path: ['localAddress'], message: outcome.problem });
  return [];
}

function planThresholds(entries: Scenario['thresholds'], path: string[], problems: PlanProblem[]): Threshold[] {
  const thresholds: Threshold[] = [];
  entries.forEach((entry, i) => {
    const text = typeof entry === 'string' ? entry : entry.threshold;
    try {
      const threshold = parseThreshold(text, { abortOnFail: typeof entry === 'string' ? false : entry.abortOnFail, source: 'scenario' });
      // Checked every second from the start, a lower bound on a growing count would stop the run at once.
      if (threshold.abortOnFail && (threshold.aggregate.kind === 'count' || threshold.aggregate.kind === 'rate') && !threshold.op.startsWith('<')) {
        problems.push({
          path: [...path, i, 'abortOnFail'],
          message: `cannot stop a run on "${text}": it is crossed until enough has happened; only < and <= limits on counts and rates can abort`,
        });
      }
      thresholds.push(threshold);
    } catch (error) {
      problems.push({ path: [...path, i], message: errorMessage(error) });
    }
  });
  return thresholds;
}

function planEmbedded(e: Scenario['embedded']): EmbeddedBrokerPlan {
  return {
    skewSec: e.skew / 1000,
    maxLifetimeSec: e.maxLifetime / 1000,
    requireKid: e.requireKid,
    maxTokenBytes: e.maxTokenSize,
    tls: e.tls,
    expiryDisconnect: e.expiryDisconnect,
    maxQos: e.maxQos,
    connectTimeoutMs: e.connectTimeout,
    maxPacketBytes: e.maxPacketSize,
    downlink: e.downlink === undefined ? null : { intervalMs: e.downlink.interval, qos: e.downlink.qos },
  };
}

/** What the embedded broker cannot do, said before anything connects. */
function checkEmbeddedFits(scenario: Scenario, stages: StagePlan[], problems: PlanProblem[]): void {
  stages.forEach((stage, i) => {
    if (stage.type === 'publish' && stage.qos > scenario.embedded.maxQos) {
      problems.push({ path: ['stages', i, 'qos'], message: `QoS ${stage.qos} is refused by the embedded broker unless embedded.maxQos is ${stage.qos}` });
    }
  });
}

function planGroups(scenario: Scenario, context: PlanContext, problems: PlanProblem[]): GroupPlan[] {
  const scenarioName = context.scenarioName;
  let firstIndex = 0;
  const seenNames = new Set<string>();
  const seenPatterns = new Map<string, string>();
  return scenario.groups.map((g, i) => {
    if (seenNames.has(g.name)) problems.push({ path: ['groups', i, 'name'], message: `group name "${g.name}" is used twice` });
    seenNames.add(g.name);
    const { count, idPattern, ids } = planGroupIdentity(g, ['groups', i], context.readIds, problems);
    const other = seenPatterns.get(idPattern);
    if (other !== undefined) {
      problems.push({ path: ['groups', i, 'idPattern'], message: `gives the same device ids as group "${other}"; client ids must be unique` });
    }
    seenPatterns.set(idPattern, g.name);
    if (g.token.refreshBefore !== undefined && g.token.refreshBefore >= g.token.lifetime) {
      problems.push({
        path: ['groups', i, 'token', 'refreshBefore'],
        message: `${formatDurationMs(g.token.refreshBefore)} must be shorter than token.lifetime (${formatDurationMs(g.token.lifetime)})`,
      });
    }
    if (ids === null && !idPattern.includes('{index') && count > 1) {
      problems.push({ path: ['groups', i, 'idPattern'], message: `must contain {index} to give ${count} devices distinct ids` });
    }
    const payload = planPayload(g.payload, ['groups', i], problems);
    const plan: GroupPlan = {
      name: g.name,
      count,
      firstIndex,
      idPattern,
      ids,
      alg: g.alg,
      rsaBits: g.rsaBits,
      keys: planKeys(g, scenarioName),
      token: {
        lifetimeSec: g.token.lifetime / 1000,
        audienceTemplate: g.token.audience,
        includeKid: g.token.kid,
        refreshBeforeSec: (g.token.refreshBefore ?? defaultRefreshBeforeMs(g.token.lifetime)) / 1000,
        claims: g.token.claims ?? {},
        headers: g.token.headers ?? {},
      },
      topicTemplate: g.topic,
      payloadTemplate: payload.kind === 'template' ? payload.template : '',
      payload,
    };
    firstIndex += count;
    return plan;
  });
}

function planKeys(g: ScenarioGroup, scenarioName: string): KeySourcePlan {
  const keys = g.keys;
  switch (keys.mode) {
    case 'per-device':
      return { mode: 'per-device', storePath: keys.store ?? `keys/${scenarioName}/${g.name}-${g.alg}.json` };
    case 'pool':
      return { mode: 'pool', size: keys.size, storePath: keys.store ?? `keys/${scenarioName}/${g.name}-${g.alg}-pool.json` };
    case 'shared':
      return { mode: 'shared', privateKeyPath: keys.privateKey, publicKeyPath: keys.publicKey ?? null, passphraseEnv: keys.passphraseEnv ?? null };
    case 'files':
      return { mode: 'files', dir: keys.dir, passphraseEnv: keys.passphraseEnv ?? null };
  }
}

/** The signing recipe of a group's tokens. */
export function tokenSpec(group: Pick<GroupPlan, 'alg' | 'token'>): TokenSpec {
  const t = group.token;
  return { alg: group.alg, audienceTemplate: t.audienceTemplate, lifetimeSec: t.lifetimeSec, includeKid: t.includeKid, claims: t.claims, headers: t.headers };
}

function planStage(stage: ScenarioStage, index: number, groups: GroupPlan[], problems: PlanProblem[], protocolVersion: 4 | 5): StagePlan {
  const known = new Set(groups.map((g) => g.name));
  const listed = 'groups' in stage ? stage.groups : undefined;
  (listed ?? []).forEach((name, j) => {
    if (!known.has(name)) problems.push({ path: ['stages', index, 'groups', j], message: `no group named "${name}" (groups: ${[...known].join(', ')})` });
  });
  const applies = listed ?? groups.map((g) => g.name);
  switch (stage.type) {
    case 'connect':
      if (stage.rate !== undefined && stage.ramp !== undefined) problems.push({ path: ['stages', index], message: 'give either rate or ramp, not both' });
      return {
        type: 'connect',
        groups: applies,
        ratePerSec: stage.rate === undefined ? null : stage.rate,
        ramp: stage.ramp === undefined ? null : { fromPerSec: stage.ramp.from, toPerSec: stage.ramp.to, overMs: stage.ramp.over },
        order: stage.order,
      };
    case 'hold':
      return { type: 'hold', groups: applies, durationMs: stage.duration };
    case 'disconnect':
      return { type: 'disconnect', groups: applies, ratePerSec: stage.rate === undefined ? null : stage.rate };
    case 'reconnect-storm':
    case 'drop':
    case 'pause':
      return planExtraStage(stage, applies);
    case 'downlink':
      return planDownlinkStage(stage, index, groups, problems);
    case 'subscribe': {
      const problem = topicFilterProblem(stage.topic);
      if (problem !== undefined) problems.push({ path: ['stages', index, 'topic'], message: problem });
      return { type: 'subscribe', groups: applies, topicTemplate: stage.topic, qos: stage.qos, measure: stage.measure, timestampField: stage.timestampField };
    }
    case 'publish':
      return planPublishStage(stage, index, groups, applies, problems, protocolVersion);
  }
}

/** A group must be connected (and not since disconnected) before it can publish, subscribe or hold. */
function checkStageOrder(stages: StagePlan[], problems: PlanProblem[]): void {
  const connected = new Set<string>();
  stages.forEach((stage, i) => {
    for (const group of stage.groups) {
      if (stage.type === 'connect') connected.add(group);
      else if (stage.type === 'pause') continue;
      else if (stage.type === 'disconnect') {
        if (!connected.has(group))
          problems.push({ path: ['stages', i], message: `disconnect stage needs group "${group}" connected by an earlier connect stage` });
        connected.delete(group);
      } else if (!connected.has(group)) {
        problems.push({ path: ['stages', i], message: `${stage.type} stage needs group "${group}" connected by an earlier connect stage` });
      }
    }
  });
}
