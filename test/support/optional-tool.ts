/**
 * Optional tools (tmux, chromium, openssl, network namespaces with tc): a test that needs one
 * skips itself by name where the tool is missing, so a developer's machine without it still runs
 * the rest; with the tool's REQUIRE_* variable set to 1, as .ci/run sets every one, the test runs
 * and fails on the missing tool instead. So CI skips nothing silently. mosquitto and RabbitMQ
 * follow the same rule with their own helpers (test/mosquitto/tools.ts, test/rabbitmq/tools.ts).
 */
export interface OptionalTool {
  /** What is missing, in words, for the skip message. */
  name: string;
  /** The variable that makes it required: REQUIRE_TMUX. */
  requireVar: string;
  /** Why it is missing, or undefined when it is there. */
  missing: string | undefined;
  /** How to install it. */
  install: string;
}

/** The node:test `skip` option: a message when the tool is missing and not required, else false. */
export function skipWithout(tool: OptionalTool): string | false {
  if (tool.missing === undefined || required(tool)) return false;
  return `${tool.name} is missing: ${tool.missing} (${tool.install}; ${tool.requireVar}=1 makes this a failure)`;
}

/** Throws, naming the variable that required it, when the tool is missing; call it where the test first uses the tool. */
export function assertPresent(tool: OptionalTool): void {
  if (tool.missing !== undefined) throw new Error(`${tool.requireVar}=1 requires ${tool.name}, which is missing: ${tool.missing} (${tool.install})`);
}

function required(tool: OptionalTool): boolean {
  return process.env[tool.requireVar] === '1';
}
