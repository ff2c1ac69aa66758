import type {PurposeBasis, Recipient} from '../../datamap/processing-schema.js'
import type {Category} from '../../datamap/schema.js'
import type {Right} from '../art15.js'
import type {WithheldCode} from '../withhold.js'

/** The fixed text of an export's index.html, in one language. Values and dates come in already formatted for the locale. */
export interface Messages {
  title: (holder: string | null) => string
  intro: (holder: string | null, when: string) => string
  request: (id: string) => string
  machineReadable: string
  contents: string
  headings: {
    controller: string
    purposes: string
    categories: string
    recipients: string
    retention: string
    source: string
    decisions: string
    rights: string
    data: string
    notCovered: string
    pseudonyms: string
  }
  controller: {name: string; contact: string; address: string; dpo: string; representative: string; authority: string}
  purposeColumns: {purpose: string; basis: string; data: string}
  bases: Record<PurposeBasis, string>
  interest: (interest: string) => string
  categories: Record<Category, string>
  recipientColumns: {name: string; role: string; purpose: string; where: string; safeguard: string; data: string}
  roles: Record<Recipient['role'], string>
  allData: string
  retentionColumns: {data: string; period: string}
  retentionPolicy: (action: 'delete' | 'anonymize', after: string, from: string) => string
  units: Record<'day' | 'week' | 'month' | 'year', {one: string; other: string}>
  columnsOf: (columns: string) => string
  sources: {person: string; salesforce: string; observed: string; derived: string; other: (name: string) => string}
  sourceNote: string
  noDecisions: string
  decisionColumns: {decision: string; logic: string; consequences: string}
  rightsIntro: (contact: string | null) => string
  rights: Record<Right, string>
  authority: (name: string) => string
  notStated: string
  records: (count: string, n: number) => string
  showing: (shown: string, total: string, file: string) => string
  usedFor: (purposes: string) => string
  noRecords: string
  withheld: string
  withheldReasons: Record<WithheldCode, string>
  pseudonymsText: string
  pseudonymised: string
  notCovered: {backups: string; logplex: string; unreachable: (table: string) => string}
  binary: string
  generated: (tool: string, when: string) => string
}
