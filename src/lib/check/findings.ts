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
}

export function atOrAbove(severity: Severity, threshold: Severity): boolean {
  return SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold)
}
