import type {CheckContext} from './context.js'
import type {Finding} from './findings.js'

export type Found = Omit<Finding, 'rule' | 'app'>
/** Findings, or why the rule did not run, or findings with notes: what the rule saw and chose not to count. */
export type RuleResult = Found[] | {skipped: string} | {found: Found[]; notes: string[]}

export interface Rule {
  id: string
  title: string
  run(context: CheckContext): RuleResult
}
