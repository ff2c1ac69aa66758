import type {CheckReport} from './check.js'
import {SEVERITIES, Severity, atOrAbove} from './findings.js'

const xml = (text: string) => text.replace(/[<>&"']/g, c => ({'<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;'})[c]!)

export function renderText(report: CheckReport): string {
  const lines: string[] = []
  for (const severity of SEVERITIES) {
    const findings = report.findings.filter(f => f.severity === severity)
    if (findings.length === 0) continue
    lines.push(`=== ${severity.toUpperCase()} (${findings.length})`, '')
    for (const f of findings) lines.push(`[${f.rule}] ${f.app}: ${f.message}`, `    evidence: ${f.evidence}`, `    fix: ${f.fix}`, '')
  }
  const passed = report.outcomes.filter(o => o.status === 'passed').length
  const skipped = report.outcomes.filter(o => o.status === 'skipped')
  lines.push(
    `${passed} rule(s) passed, ${report.outcomes.filter(o => o.status === 'failed').length} with findings, ${skipped.length} skipped${skipped.length > 0 ? `: ${[...new Set(skipped.map(s => `${s.rule} (${s.reason})`))].join(', ')}` : ''}.`,
  )
  lines.push(...report.notes)
  return lines.join('\n')
}

/** JUnit XML: one testsuite per app, one testcase per rule; findings at or above the threshold are failures. */
export function renderJunit(report: CheckReport, failOn: Severity): string {
  const suites = report.apps.map(app => {
    const outcomes = report.outcomes.filter(o => o.app === app)
    const cases = outcomes.map(o => {
      const failing = o.findings.filter(f => atOrAbove(f.severity, failOn))
      const body =
        o.status === 'skipped'
          ? `<skipped message="${xml(o.reason ?? '')}"/>`
          : failing.map(f => `<failure type="${f.severity}" message="${xml(f.message)}">${xml(`evidence: ${f.evidence}\nfix: ${f.fix}`)}</failure>`).join('')
      return `    <testcase classname="privacy.${xml(app)}" name="${xml(o.rule)}: ${xml(o.title)}">${body}</testcase>`
    })
    const failures = outcomes.filter(o => o.findings.some(f => atOrAbove(f.severity, failOn))).length
    const skipped = outcomes.filter(o => o.status === 'skipped').length
    return `  <testsuite name="privacy:check ${xml(app)}" tests="${outcomes.length}" failures="${failures}" errors="0" skipped="${skipped}">\n${cases.join('\n')}\n  </testsuite>`
  })
  const total = report.outcomes.length
  const failures = report.outcomes.filter(o => o.findings.some(f => atOrAbove(f.severity, failOn))).length
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="privacy:check" tests="${total}" failures="${failures}" errors="0">\n${suites.join('\n')}\n</testsuites>\n`
}

/** SARIF 2.1.0, for code-scanning dashboards. */
export function renderSarif(report: CheckReport, rules: Array<{id: string; title: string}>): string {
  const level = (s: Severity) => (s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note')
  return JSON.stringify(
    {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'heroku-privacy',
              informationUri: 'https://www.npmjs.com/package/heroku-privacy',
              rules: rules.map(r => ({id: r.id, shortDescription: {text: r.title}})),
            },
          },
          results: report.findings.map(f => ({
            ruleId: f.rule,
            level: level(f.severity),
            message: {text: `${f.message}. Fix: ${f.fix}`},
            locations: [{physicalLocation: {artifactLocation: {uri: 'privacy.yml'}}, logicalLocations: [{name: f.app, kind: 'module'}]}],
            properties: {evidence: f.evidence},
          })),
        },
      ],
    },
    null,
    2,
  )
}
