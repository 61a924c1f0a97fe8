/**
 * `--html` means one thing in `run`, `merge` and `report`: write the HTML page, to FILE when one
 * is given, else beside the JSON report (`x.json` → `x.html`); `--no-html` writes none. `run` and
 * `merge` write it by default, `report` only when asked (issue 24, item 9).
 */
/** undefined: the default; false: --no-html; '': --html with no file; a path: --html FILE. */
export type HtmlFlag = string | boolean | undefined;

/** Where the page goes: `beside` (next to the JSON), a path, or undefined for none. */
export function htmlTarget(flag: HtmlFlag, byDefault: boolean): string | undefined {
  if (flag === false || flag === 'false') return undefined;
  if (flag === undefined) return byDefault ? 'beside' : undefined;
  if (flag === true || flag === '' || flag === 'true') return 'beside';
  return flag;
}
