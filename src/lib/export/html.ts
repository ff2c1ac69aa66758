import type {Locale} from '../datamap/processing-schema.js'
import {textIn} from '../datamap/processing-schema.js'
import type {DataMap} from '../datamap/schema.js'
import type {Art15Facts} from './art15.js'
import {escape, factsSections, section} from './html-facts.js'
import {LocaleText, localeText} from './i18n/index.js'
import {columnLabel, tableLabel} from './labels.js'
import type {Row} from './serialize.js'
import type {WithheldColumn} from './withhold.js'

export {humanName} from './labels.js'

export const HTML_ROWS_PER_TABLE = 200

export interface HtmlTable {
  table: string
  columns: string[]
  rows: Row[]
  totalRows: number
  file: string
}

export interface IndexPage {
  locale: Locale
  generatedAt: string
  request: string | null
  tool: {name: string; version: string}
  map: DataMap
  facts: Art15Facts
  tables: HtmlTable[]
  /** table → column → Postgres base type, so dates read in the locale's format. */
  columnTypes: Map<string, Map<string, string>>
  withheld: WithheldColumn[]
  pseudonymised: Array<{table: string; column: string}>
  notCovered: {standard: Array<'backups' | 'logplex'>; unreachable: string[]; other: string[]}
}

const DATE_TYPES = new Set(['timestamptz', 'timestamp', 'date'])

function cell(value: unknown, type: string | undefined, l: LocaleText): string {
  if (value === null || value === undefined) return '<span class="none">—</span>'
  if (value instanceof Date) return escape(l.dateTime(value.toISOString()))
  if (Buffer.isBuffer(value)) return `<span class="none">${escape(l.t.binary)}</span>`
  if (typeof value === 'string' && type && DATE_TYPES.has(type) && !Number.isNaN(Date.parse(value))) {
    return `<time datetime="${escape(value)}">${escape(type === 'date' ? l.date(value) : l.dateTime(value))}</time>`
  }
  return typeof value === 'object' ? `<code class="json">${escape(JSON.stringify(value))}</code>` : escape(String(value))
}

function dataTable(page: IndexPage, table: HtmlTable, l: LocaleText): string {
  const spec = page.map.tables[table.table]
  const types = page.columnTypes.get(table.table)
  const label = tableLabel(spec, table.table, l.locale)
  const groups = (spec?.processing?.groups ?? [])
    .filter(g => g.purposes && g.purposes.length > 0)
    .map(
      g =>
        `<p class="note">${escape(g.columns.map(c => columnLabel(spec, c, l.locale)).join(', '))} — ${escape(l.t.usedFor(g.purposes!.map(id => textIn(page.map.purposes?.[id]?.description, l.locale) ?? id).join('; ')))}</p>`,
    )
  return `<h4>${escape(label)} <small>${escape(l.t.records(l.number(table.totalRows), table.totalRows))}</small></h4>
<div class="scroll" role="region" aria-label="${escape(label)}" tabindex="0"><table>
  <thead><tr>${table.columns.map(c => `<th scope="col">${escape(columnLabel(spec, c, l.locale))}</th>`).join('')}</tr></thead>
  <tbody>
${table.rows.map(row => `    <tr>${table.columns.map(c => `<td>${cell(row[c], types?.get(c), l)}</td>`).join('')}</tr>`).join('\n')}
  </tbody>
</table></div>
${groups.join('\n')}${table.totalRows > table.rows.length ? `<p class="note">${escape(l.t.showing(l.number(table.rows.length), l.number(table.totalRows), table.file))}</p>` : ''}`
}

/** The person's data grouped by what it is used for: one heading per set of purposes, the tables under it. */
function dataSection(page: IndexPage, l: LocaleText): string {
  const shown = page.tables.filter(t => t.totalRows > 0)
  if (shown.length === 0) return `<p>${escape(l.t.noRecords)}</p>`
  const groups = new Map<string, HtmlTable[]>()
  for (const table of shown) {
    const purposes = page.map.tables[table.table]?.processing?.purposes ?? []
    const key = purposes.map(id => textIn(page.map.purposes?.[id]?.description, l.locale) ?? id).join(' · ') || l.t.notStated
    groups.set(key, [...(groups.get(key) ?? []), table])
  }
  return [...groups.entries()]
    .map(([purposes, tables]) => `<h3>${escape(l.t.usedFor(purposes))}</h3>\n${tables.map(t => dataTable(page, t, l)).join('\n')}`)
    .join('\n')
}

function notCoveredSection(page: IndexPage, l: LocaleText): string {
  const items = [
    ...page.notCovered.standard.map(code => l.t.notCovered[code]),
    ...page.notCovered.unreachable.map(table => l.t.notCovered.unreachable(tableLabel(page.map.tables[table], table, l.locale))),
    ...page.notCovered.other,
  ].map(text => `<li>${escape(text)}</li>`)
  const withheld = page.withheld.map(
    w =>
      `<li>${escape(tableLabel(page.map.tables[w.table], w.table, l.locale))}: ${escape(columnLabel(page.map.tables[w.table], w.column, l.locale))} — ${escape(l.t.withheldReasons[w.code])}</li>`,
  )
  return `<ul>${items.join('')}</ul>${withheld.length > 0 ? `\n<h3>${escape(l.t.withheld)}</h3>\n<ul>${withheld.join('')}</ul>` : ''}`
}

function pseudonymsSection(page: IndexPage, l: LocaleText): string {
  const columns = page.pseudonymised.map(
    p => `${tableLabel(page.map.tables[p.table], p.table, l.locale)}: ${columnLabel(page.map.tables[p.table], p.column, l.locale)}`,
  )
  return `<p>${escape(l.t.pseudonymsText)}</p>${columns.length > 0 ? `\n<p>${escape(l.t.pseudonymised)}: ${escape(columns.join('; '))}</p>` : ''}`
}

const STYLE = `
  :root { color-scheme: light; }
  body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem; color: #1b1b1b; background: #fff; overflow-wrap: break-word; }
  h1 { font-size: 1.7rem; line-height: 1.25; } h2 { font-size: 1.3rem; margin-top: 2.5rem; border-bottom: 1px solid #ccc; } h3 { font-size: 1.1rem; margin-top: 1.8rem; } h4 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
  small, .note { color: #555; font-weight: normal; }
  a { color: #0b57b0; }
  dl { display: grid; grid-template-columns: minmax(8rem, max-content) minmax(0, 1fr); gap: .3rem 1rem; } dt { font-weight: 600; } dd { margin: 0; }
  .scroll { max-width: 100%; overflow-x: auto; }
  table { border-collapse: collapse; font-size: .88rem; }
  th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; min-width: 4rem; }
  thead th { background: #f0f0f0; } tbody th { font-weight: 600; }
  .none { color: #767676; } code.json { font-size: .82rem; overflow-wrap: anywhere; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  nav ol { padding-left: 1.4rem; } footer { margin-top: 3rem; color: #555; font-size: .85rem; }
  th { hyphens: auto; }
  @media (max-width: 40rem) { dl { grid-template-columns: minmax(0, 1fr); } dd { margin-bottom: .5rem; } }
  @media print {
    body { max-width: none; font-size: 11pt; } nav { display: none; } .scroll { overflow: visible; } td { overflow-wrap: anywhere; }
    h2, h3, h4 { break-after: avoid; } tr { break-inside: avoid; } a[href^="http"]::after { content: " (" attr(href) ")"; }
  }`

/** index.html: what Art. 15 says the person is owed, then their data, then what the archive leaves out. No scripts, no external resources. */
export function renderIndexHtml(page: IndexPage): string {
  const l = localeText(page.locale)
  const holder = page.facts.controller?.name ?? null
  const sections = [
    ...factsSections(page.facts, page.map, l),
    {id: 'data', heading: l.t.headings.data, html: dataSection(page, l)},
    {id: 'not-covered', heading: l.t.headings.notCovered, html: notCoveredSection(page, l)},
    {id: 'pseudonyms', heading: l.t.headings.pseudonyms, html: pseudonymsSection(page, l)},
  ]
  return `<!doctype html>
<html lang="${page.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(l.t.title(holder))}</title>
<style>${STYLE}
</style>
</head>
<body>
<header>
<h1>${escape(l.t.title(holder))}</h1>
<p>${escape(l.t.intro(holder, l.dateTime(page.generatedAt)))}${page.request ? ` ${escape(l.t.request(page.request))}` : ''}</p>
<p>${escape(l.t.machineReadable)}</p>
<nav aria-label="${escape(l.t.contents)}"><h2 id="contents">${escape(l.t.contents)}</h2><ol>${sections.map(s => `<li><a href="#${s.id}">${escape(s.heading)}</a></li>`).join('')}</ol></nav>
</header>
<main>
${sections.map(s => section(s.id, s.heading, s.html)).join('\n')}
</main>
<footer><p>${escape(l.t.generated(`${page.tool.name} ${page.tool.version}`, l.dateTime(page.generatedAt)))}</p></footer>
</body>
</html>
`
}
