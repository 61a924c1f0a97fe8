/**
 * A scenario named without its path: `run quickstart` runs the shipped scenarios/quickstart.yaml,
 * from a clone or an installed package alike. A file that exists as written always wins.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The package's own scenarios/ folder (this file is dist/src/cli/scenario-path.js). */
const SHIPPED = fileURLToPath(new URL('../../../scenarios/', import.meta.url));

export function resolveScenarioPath(name: string): string {
  if (existsSync(name) || /[\\/]/.test(name)) return name;
  for (const candidate of [`${SHIPPED}${name}`, `${SHIPPED}${name}.yaml`, `${SHIPPED}${name}.yml`]) {
    if (/\.ya?ml$/.test(candidate) && existsSync(candidate)) return candidate;
  }
  return name;
}
