import {isAboutPeople, withoutPurpose} from '../datamap/processing.js'
import type {Rule} from './rule.js'

const list = (items: string[], max = 8) => items.slice(0, max).join(', ') + (items.length > max ? ', …' : '')

/** Rules on what the map says about why and how personal data is processed (Art. 5(1)(a), 6, 15, 30). */
export const PROCESSING_RULES: Rule[] = [
  {
    id: 'purposes',
    title: 'Every table holding personal data has a purpose with a legal basis, and the map names the controller',
    run(c) {
      if (!c.map) return {skipped: 'no data map'}
      const map = c.map
      const lacking = Object.keys(map.tables)
        .map(key => ({key, ...withoutPurpose(map, key)}))
        .filter(t => t.rows || t.columns.length > 0)
      const used = new Set(
        Object.values(map.tables).flatMap(spec => [...(spec.processing?.purposes ?? []), ...(spec.processing?.groups ?? []).flatMap(g => g.purposes ?? [])]),
      )
      const withoutBasis = [...used].filter(id => map.purposes?.[id] !== undefined && map.purposes[id].legal_basis === undefined)
      const found = []
      if (lacking.length > 0) {
        found.push({
          severity: 'error' as const,
          message: `${lacking.length} table(s) hold personal data without a stated purpose`,
          evidence: list(lacking.map(t => (t.rows ? t.key : `${t.key} (${list(t.columns, 3)})`))),
          fix: 'Name the purposes each table serves under its processing: purposes: [...], defined once under purposes: at the top of privacy.yml (or move data with no purpose to erasure).',
        })
      }
      if (withoutBasis.length > 0) {
        found.push({
          severity: 'error' as const,
          message: `${withoutBasis.length} purpose(s) have no legal basis`,
          evidence: list(withoutBasis),
          fix: 'Give each purpose its legal_basis (consent, contract, legal_obligation, vital_interests, public_task, or legitimate_interests with the interest stated).',
        })
      }
      const holdsPersonalData = Object.keys(map.tables).some(key => isAboutPeople(map, key))
      if (holdsPersonalData && !map.controller) {
        found.push({
          severity: 'error' as const,
          message: 'The map names no controller',
          evidence: 'no controller: in privacy.yml',
          fix: 'Add controller: with name, contact, dpo and authority (run privacy:scan to get a placeholder).',
        })
      }
      return found
    },
  },
  {
    id: 'map-reviewed',
    title: 'Every guess privacy:scan wrote into the map was reviewed',
    run(c) {
      if (!c.map || !c.mapReview) return {skipped: 'no data map'}
      if (c.mapReview.length === 0) return []
      return [
        {
          severity: 'error',
          message: `${c.mapReview.length} entr${c.mapReview.length === 1 ? 'y' : 'ies'} of the data map are still marked review: true`,
          evidence: list(c.mapReview.map(mark => `${mark.file}${mark.line ? `:${mark.line}` : ''} ${mark.path}`)),
          fix: 'Check each entry (an export tells the person what it says), correct it, and remove its review: true.',
        },
      ]
    },
  },
]
