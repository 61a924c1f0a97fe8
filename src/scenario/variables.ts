/**
 * `${NAME}` and `${NAME:-default}` in any string of a scenario, from the environment (as in
 * docker compose and k6). `$${` stands for a literal `${`. An unset variable without a default
 * is a problem reported at its place, never an empty string.
 */
import type { PlanProblem } from './run-plan.js';

const VARIABLE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export function substituteVariables(data: unknown, env: NodeJS.ProcessEnv): { data: unknown; problems: PlanProblem[] } {
  const problems: PlanProblem[] = [];
  const walk = (value: unknown, path: (string | number)[]): unknown => {
    if (typeof value === 'string')
      return substituteString(value, env, (name) => problems.push({ path, message: `\${${name}} is not set and has no default (write \${${name}:-default})` }));
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, [...path, key])]));
    }
    return value;
  };
  return { data: walk(data, []), problems };
}

function substituteString(text: string, env: NodeJS.ProcessEnv, missing: (name: string) => void): string {
  return text.replace(VARIABLE, (whole, name: string | undefined, fallback: string | undefined) => {
    if (name === undefined) return '${';
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (fallback !== undefined) return fallback;
    missing(name);
    return whole;
  });
}
