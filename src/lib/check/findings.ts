export const SEVERITIES = ['error', 'warning', 'info'] as const
export type Severity = (typeof SEVERITIES)[number]

export interface Finding {
  rule: string
  severity: Severity
  app: string
  message: string
  evidence: string
  fix: string
}

export interface RuleOutcome {
  rule: string
  title: string
  app: string
  status: 'passed' | 'failed' | 'skipped'
  /** Why a rule did not run (no map, no ledger, …). */
  reason?: string
  findings: Finding[]
  /** What the rule saw and did not count as a finding, one sentence each (a local drain). */
  notes?: string[]
}

export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold)
}
