/** The frame every HTML report shares: one file, its style inline, no script, no network. */
import { escapeHtml } from './html-escape.js';

const STYLE = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid #d8dce3;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
.sub{color:#5b6475;margin:0 0 16px}
.untrusted{color:#c62828}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;vertical-align:middle;color:#fff}
.complete,.pass{background:#2e7d32}.interrupted,.complete.caveat{background:#b26a00}.failed,.fail{background:#c62828}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}
.card{background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:10px 12px}
.card b{display:block;font-size:20px}.card span{color:#5b6475;font-size:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:12px}
figure.chart{margin:0;background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:8px}
figure.chart svg{display:block;width:100%;height:auto}
figcaption{font-weight:600;margin:0 0 4px}
.grid{stroke:#e3e6eb;stroke-width:1}.tick{font-size:10px;fill:#5b6475}.axis{font-size:11px;fill:#5b6475}
.legend{font-size:12px;color:#3b4252}.legend span{margin-right:14px;white-space:nowrap}
.legend i{display:inline-block;width:12px;height:3px;margin-right:5px;vertical-align:middle}
table{border-collapse:collapse;background:#fff;border:1px solid #d8dce3;margin:4px 0 8px;font-variant-numeric:tabular-nums}
th,td{padding:4px 10px;border-bottom:1px solid #eceef2;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#eef0f4;font-weight:600}
table.thresholds td{text-align:left}
.ok{color:#2e7d32;font-weight:600}table.errors td:first-child{color:#c62828}
td.worse,span.worse{color:#c62828}td.better,span.better{color:#2e7d32}td.same,span.same{color:#8a93a3}
.verdict{background:#fff;border:1px solid #d8dce3;border-left:4px solid #1565c0;border-radius:6px;padding:4px 14px;margin:12px 0}.verdict h2{border:0;margin:10px 0 4px}
pre{background:#fff;border:1px solid #d8dce3;padding:10px;overflow:auto;font-size:12px}
details{margin:8px 0}summary{cursor:pointer;font-weight:600}
`;

export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body><main>
${body}
</main></body>
</html>
`;
}

/** A table from header and rows of already-escaped cells. */
export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[], attrs = ''): string {
  const head = `<tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c) => (c.startsWith('<td') ? c : `<td>${c}</td>`)).join('')}</tr>`).join('\n');
  return `<table${attrs}>\n${head}\n${body}\n</table>`;
}
