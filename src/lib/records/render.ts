import {escape} from '../export/html-facts.js'
import type {RecordOfProcessing} from './record.js'

interface Block {
  title: string
  lines?: string[]
  table?: {headers: string[]; rows: string[][]}
}

const BASES: Record<string, string> = {
  consent: 'consent, Art. 6(1)(a)',
  contract: 'contract, Art. 6(1)(b)',
  legal_obligation: 'legal obligation, Art. 6(1)(c)',
  vital_interests: 'vital interests, Art. 6(1)(d)',
  public_task: 'public task, Art. 6(1)(e)',
  legitimate_interests: 'legitimate interests, Art. 6(1)(f)',
}

/** A block of one row per item, each column named with how to read its cell. */
function tableBlock<T>(title: string, items: T[], columns: Record<string, (item: T) => string>): Block {
  const cells = Object.values(columns)
  return {title, table: {headers: Object.keys(columns), rows: items.map(item => cells.map(read => read(item)))}}
}

/** The record as titled blocks, in the order of Art. 30(1)(a)–(g); both renderers print these. */
function blocks(record: RecordOfProcessing): Block[] {
  const c = record.controller
  return [
    {
      title: 'Controller (Art. 30(1)(a))',
      lines: c
        ? [
            `Name: ${c.name}`,
            `Contact: ${c.contact}`,
            ...(c.address ? [`Address: ${c.address}`] : []),
            ...(c.dpo ? [`Data protection officer: ${c.dpo}`] : []),
            ...(c.representative ? [`Representative: ${c.representative}`] : []),
            ...(c.authority ? [`Supervisory authority: ${c.authority.name}${c.authority.url ? ` (${c.authority.url})` : ''}`] : []),
          ]
        : ['Not stated in the data map (controller:).'],
    },
    tableBlock('Purposes and legal bases (Art. 30(1)(b))', record.activities, {
      Purpose: a => a.description,
      'Legal basis': a => `${a.legalBasis ? BASES[a.legalBasis] : 'NOT STATED'}${a.interest ? ` — ${a.interest}` : ''}`,
      'Categories of data': a => a.categories.join(', ') || '—',
      Tables: a => a.tables.join(', ') || '—',
      Recipients: a => a.recipients.join(', ') || '—',
    }),
    {title: 'Categories of people (Art. 30(1)(c))', lines: record.dataSubjects},
    tableBlock('Recipients (Art. 30(1)(d))', record.recipients, {
      Recipient: r => r.name,
      Role: r => r.role,
      'What they do': r => r.purpose ?? '—',
      Where: r => r.country ?? '—',
      Receives: r => (r.receives === 'all' ? 'all data' : r.receives.join(', ') || '—'),
    }),
    tableBlock('Where the data is, and transfers outside the EEA (Art. 30(1)(e))', record.locations, {
      What: l => l.what,
      Where: l => l.where,
      Country: l => l.country ?? 'unknown',
      'In the EEA': l => (l.inEea === null ? 'unknown' : l.inEea ? 'yes' : 'NO — transfer'),
      Safeguard: l => (l.inEea ? '—' : (l.safeguard ?? 'NONE STATED')),
    }),
    tableBlock('Retention (Art. 30(1)(f))', record.retention, {Table: r => r.table, Kept: r => r.period}),
    tableBlock('Security measures (Art. 30(1)(g), Art. 32)', record.security, {Measure: m => m.measure, Status: m => m.status, Evidence: m => m.evidence}),
    tableBlock('Where the app keeps data', record.stores, {
      Store: s => s.store,
      Kind: s => s.kind,
      Plan: s => s.plan ?? '—',
      Details: s => s.details.join('; ') || '—',
    }),
    ...(record.unreviewed.length > 0
      ? [{title: 'Not yet reviewed', lines: [`These entries of the data map are still marked review: true: ${record.unreviewed.join(', ')}.`]}]
      : []),
  ]
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function renderRecordMarkdown(record: RecordOfProcessing): string {
  const parts = [
    `# Record of processing activities: ${record.app}`,
    '',
    `Built ${record.generatedAt} from the data map, the app's add-ons and drains, and the Heroku Postgres Data API.`,
  ]
  for (const block of blocks(record)) {
    parts.push('', `## ${block.title}`, '')
    if (block.lines) parts.push(...block.lines.map(line => `- ${line}`))
    if (block.table) {
      parts.push(`| ${block.table.headers.join(' | ')} |`, `|${block.table.headers.map(() => ' --- |').join('')}`)
      parts.push(...block.table.rows.map(row => `| ${row.map(cell).join(' | ')} |`))
    }
  }
  return `${parts.join('\n')}\n`
}

export function renderRecordHtml(record: RecordOfProcessing): string {
  const body = blocks(record)
    .map(
      block => `<section>
<h2>${escape(block.title)}</h2>
${block.lines ? `<ul>${block.lines.map(line => `<li>${escape(line)}</li>`).join('')}</ul>` : ''}${
        block.table
          ? `<table>
<thead><tr>${block.table.headers.map(h => `<th scope="col">${escape(h)}</th>`).join('')}</tr></thead>
<tbody>
${block.table.rows.map(row => `<tr>${row.map(c => `<td>${escape(c)}</td>`).join('')}</tr>`).join('\n')}
</tbody>
</table>`
          : ''
      }
</section>`,
    )
    .join('\n')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Record of processing activities: ${escape(record.app)}</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 72rem; padding: 1rem; overflow-wrap: anywhere; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; } th, td { border: 1px solid #ccc; padding: .3rem .5rem; text-align: left; vertical-align: top; } th { background: #f0f0f0; }
  @media print { section { break-inside: avoid-page; } }
</style>
</head>
<body>
<h1>Record of processing activities: ${escape(record.app)}</h1>
<p>Built ${escape(record.generatedAt)} from the data map, the app's add-ons and drains, and the Heroku Postgres Data API.</p>
${body}
</body>
</html>
`
}
