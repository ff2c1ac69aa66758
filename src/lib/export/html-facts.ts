import {textIn} from '../datamap/processing-schema.js'
import type {DataMap} from '../datamap/schema.js'
import type {Art15Facts} from './art15.js'
import type {LocaleText} from './i18n/index.js'
import {columnLabel, tableLabel} from './labels.js'

export const escape = (text: string) => text.replace(/[&<>"']/g, c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]!)

/** A facts table: a caption for screen readers, column headers with scope, one row per entry. */
export function factsTable(caption: string, headers: string[], rows: string[][]): string {
  return `<div class="scroll"><table>
  <caption class="visually-hidden">${escape(caption)}</caption>
  <thead><tr>${headers.map(h => `<th scope="col">${escape(h)}</th>`).join('')}</tr></thead>
  <tbody>
${rows.map(cells => `    <tr>${cells.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`).join('\n')}
  </tbody>
</table></div>`
}

export function section(id: string, heading: string, body: string): string {
  return `<section id="${id}" aria-labelledby="${id}-h">
<h2 id="${id}-h">${escape(heading)}</h2>
${body}
</section>`
}

const link = (value: string) =>
  /^https?:\/\//.test(value)
    ? `<a href="${escape(value)}">${escape(value)}</a>`
    : /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)
      ? `<a href="mailto:${escape(value)}">${escape(value)}</a>`
      : escape(value)

/** Renders the Art. 15(1)(a)–(h) sections, in the order the page's contents list them. */
export function factsSections(facts: Art15Facts, map: DataMap, l: LocaleText): Array<{id: string; heading: string; html: string}> {
  const {t} = l
  const text = (value: Parameters<typeof textIn>[0]) => escape(textIn(value, l.locale) ?? t.notStated)
  const tables = (keys: string[]) => escape(keys.map(k => tableLabel(map.tables[k], k, l.locale)).join(', '))
  const c = facts.controller
  const controller = c
    ? `<dl>
  <dt>${escape(t.controller.name)}</dt><dd>${escape(c.name)}</dd>
  <dt>${escape(t.controller.contact)}</dt><dd>${link(c.contact)}</dd>
${c.address ? `  <dt>${escape(t.controller.address)}</dt><dd>${escape(c.address)}</dd>\n` : ''}${c.dpo ? `  <dt>${escape(t.controller.dpo)}</dt><dd>${link(c.dpo)}</dd>\n` : ''}${c.representative ? `  <dt>${escape(t.controller.representative)}</dt><dd>${escape(c.representative)}</dd>\n` : ''}</dl>`
    : `<p>${escape(t.notStated)}</p>`

  const purposes =
    facts.purposes.length === 0
      ? `<p>${escape(t.notStated)}</p>`
      : factsTable(
          t.headings.purposes,
          [t.purposeColumns.purpose, t.purposeColumns.basis, t.purposeColumns.data],
          facts.purposes.map(p => [
            text(p.description),
            `${escape(p.legalBasis ? t.bases[p.legalBasis] : t.notStated)}${p.interest ? `<br><span class="note">${escape(t.interest(textIn(p.interest, l.locale)!))}</span>` : ''}`,
            tables(p.tables),
          ]),
        )

  const categories = `<ul>${facts.categories.map(k => `<li>${escape(t.categories[k.category])} <span class="note">${escape(t.columnsOf(k.tables.map(x => tableLabel(map.tables[x], x, l.locale)).join(', ')))}</span></li>`).join('')}</ul>`

  const recipients =
    facts.recipients.length === 0
      ? `<p>${escape(t.notStated)}</p>`
      : factsTable(
          t.headings.recipients,
          [
            t.recipientColumns.name,
            t.recipientColumns.role,
            t.recipientColumns.purpose,
            t.recipientColumns.where,
            t.recipientColumns.safeguard,
            t.recipientColumns.data,
          ],
          facts.recipients.map(r => [
            escape(r.name),
            escape(t.roles[r.role]),
            r.purpose ? text(r.purpose) : '—',
            escape(r.country ?? '—'),
            escape(r.safeguard ?? '—'),
            r.tables === 'all' ? escape(t.allData) : tables(r.tables),
          ]),
        )

  const retention = factsTable(
    t.headings.retention,
    [t.retentionColumns.data, t.retentionColumns.period],
    facts.retention.map(r => {
      const what = `${escape(tableLabel(map.tables[r.table], r.table, l.locale))}${r.columns ? ` ${escape(t.columnsOf(r.columns.map(col => columnLabel(map.tables[r.table], col, l.locale)).join(', ')))}` : ''}`
      const policy = r.policy
        ? t.retentionPolicy(r.policy.action, l.duration(r.policy.after), columnLabel(map.tables[r.table], r.policy.column, l.locale))
        : undefined
      const period = [textIn(r.stated ?? undefined, l.locale), policy].filter(Boolean).join('. ') || t.notStated
      return [what, escape(period)]
    }),
  )

  const sourceText = (s: Art15Facts['sources'][number]['source']) =>
    typeof s === 'string' ? t.sources[s] : `${t.sources.other(s.name)}${s.note ? ` — ${textIn(s.note, l.locale)}` : ''}`
  const sources = `<p>${escape(t.sourceNote)}</p><ul>${facts.sources.map(s => `<li>${escape(sourceText(s.source))}: ${tables(s.tables)}</li>`).join('')}${facts.unstated.includes('source') ? `<li>${escape(t.notStated)}</li>` : ''}</ul>`

  const decisions =
    facts.automatedDecisions === null
      ? `<p>${escape(t.notStated)}</p>`
      : facts.automatedDecisions.length === 0
        ? `<p>${escape(t.noDecisions)}</p>`
        : factsTable(
            t.headings.decisions,
            [t.decisionColumns.decision, t.decisionColumns.logic, t.decisionColumns.consequences],
            facts.automatedDecisions.map(d => [text(d.decision), text(d.logic), text(d.consequences)]),
          )

  const authority = c?.authority
  const intro = escape(t.rightsIntro(c?.contact ?? null))
  const rights = `<p>${c ? intro.replace(escape(c.contact), link(c.contact)) : intro}</p>
<ul>${facts.rights.map(r => `<li>${escape(t.rights[r])}</li>`).join('')}</ul>
${authority ? `<p>${escape(t.authority(authority.name))}${authority.url ? ` ${link(authority.url)}` : ''}${authority.contact ? ` ${link(authority.contact)}` : ''}</p>` : ''}`

  return [
    {id: 'controller', heading: t.headings.controller, html: controller},
    {id: 'purposes', heading: t.headings.purposes, html: purposes},
    {id: 'categories', heading: t.headings.categories, html: categories},
    {id: 'recipients', heading: t.headings.recipients, html: recipients},
    {id: 'retention', heading: t.headings.retention, html: retention},
    {id: 'source', heading: t.headings.source, html: sources},
    {id: 'decisions', heading: t.headings.decisions, html: decisions},
    {id: 'rights', heading: t.headings.rights, html: rights},
  ]
}
