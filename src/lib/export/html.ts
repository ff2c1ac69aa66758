import type {Row} from './serialize.js'

export const HTML_ROWS_PER_TABLE = 200

export interface HtmlTable {
  table: string
  columns: string[]
  rows: Row[]
  totalRows: number
  file: string
}

const escape = (text: string) => text.replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]!))

/** `full_name` → "Full name"; `public.support_tickets` → "Support tickets". */
export function humanName(name: string): string {
  const last = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name
  const words = last.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').trim().toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '<span class="none">—</span>'
  if (value instanceof Date) return escape(value.toISOString())
  if (Buffer.isBuffer(value)) return '<span class="none">(binary)</span>'
  return escape(typeof value === 'object' ? JSON.stringify(value) : String(value))
}

/** A plain, self-contained page that shows the person their data, table by table. */
export function renderIndexHtml(input: {generatedAt: string; app: string | null; tables: HtmlTable[]; withheld: Array<{table: string; column: string; reason: string}>}): string {
  const sections = input.tables.filter(t => t.totalRows > 0).map(t => `
<section>
  <h2>${escape(humanName(t.table))} <small>${t.totalRows} ${t.totalRows === 1 ? 'record' : 'records'}</small></h2>
  <table>
    <thead><tr>${t.columns.map(c => `<th>${escape(humanName(c))}</th>`).join('')}</tr></thead>
    <tbody>
${t.rows.map(row => `      <tr>${t.columns.map(c => `<td>${cell(row[c])}</td>`).join('')}</tr>`).join('\n')}
    </tbody>
  </table>
  ${t.totalRows > t.rows.length ? `<p class="more">Showing ${t.rows.length} of ${t.totalRows} records; all of them are in <code>${escape(t.file)}</code>.</p>` : ''}
</section>`).join('\n')
  const withheld = input.withheld.length === 0 ? '' : `
<section>
  <h2>Not included</h2>
  <ul>${input.withheld.map(w => `<li>${escape(humanName(w.table))}: ${escape(humanName(w.column))} — ${escape(w.reason)}</li>`).join('')}</ul>
</section>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Your data${input.app ? ` held by ${escape(input.app)}` : ''}</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1b1b1b; }
  h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; margin-top: 2rem; } small { color: #666; font-weight: normal; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; display: block; overflow-x: auto; }
  th, td { border: 1px solid #ddd; padding: .3rem .5rem; text-align: left; vertical-align: top; }
  th { background: #f4f4f4; } .none { color: #999; } .more { color: #555; }
</style>
</head>
<body>
<h1>Your data${input.app ? ` held by ${escape(input.app)}` : ''}</h1>
<p>This archive holds a copy of the personal data we keep about you, as it was at ${escape(input.generatedAt)}. The same data is in machine-readable files in the <code>data/</code> folder; <code>manifest.json</code> lists them with their checksums.</p>
${sections}
${withheld}
</body>
</html>
`
}
