/**
 * The one template syntax of scenarios: `{name}` or `{name:05}` (zero-padded to 5 digits).
 * Used for device ids, topics, audiences and payloads.
 */
const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)(?::0(\d+))?\}/g;

export type TemplateValues = Readonly<Record<string, string | number>>;

export function renderTemplate(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (whole, name: string, width: string | undefined) => {
    const value = values[name];
    if (value === undefined) return whole;
    const text = String(value);
    return width === undefined ? text : text.padStart(Number(width), '0');
  });
}

/** The placeholder names a template uses, for validation. */
export function templateNames(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}
