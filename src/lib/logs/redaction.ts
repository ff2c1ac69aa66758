import {ExitCode, PrivacyError} from '../errors.js'

/** What replaces a redacted match in a stored log line. */
export const REDACTED = '[redacted]'

/** Named patterns for what log lines most often leak; anything else given to --redact is a regular expression. */
export const REDACTION_PRESETS: Record<string, RegExp> = {
  email: /[\w.%+-]+@[\w-]+(?:\.[\w-]+)+/g,
  ip: /\b(?:\d{1,3}\.){3}\d{1,3}\b|\b(?:[0-9a-f]{1,4}:){2,7}[0-9a-f]{0,4}\b/gi,
  card: /\b(?:\d[ -]?){12,18}\d\b/g,
  password: /\b(password|passwd|pwd|secret|token|api_key)=[^\s&]+/gi,
  bearer: /\b(Bearer|Basic)\s+[\w\-.~+/=]+/g,
}

export interface Redactor {
  patterns: string[]
  apply(message: string): string
}

/** Builds the redactor for --redact values: preset names or regular expressions; a bad one is refused before anything starts. */
export function redactorFor(patterns: string[]): Redactor {
  const compiled = patterns.map(pattern => {
    const preset = REDACTION_PRESETS[pattern]
    if (preset) return {pattern, regex: preset, keepName: pattern === 'password' || pattern === 'bearer'}
    try {
      return {pattern, regex: new RegExp(pattern, 'g'), keepName: false}
    } catch (error) {
      throw new PrivacyError(`--redact ${JSON.stringify(pattern)} is not a regular expression (${(error as Error).message}); use one of ${Object.keys(REDACTION_PRESETS).join(', ')} or a valid pattern.`, {code: 'usage', exitCode: ExitCode.usage})
    }
  })
  return {
    patterns,
    apply(message) {
      let out = message
      for (const {regex, keepName} of compiled) {
        out = out.replace(regex, (match: string, name: unknown) => (keepName && typeof name === 'string' ? `${name}${match.startsWith(`${name}=`) ? '=' : ' '}${REDACTED}` : REDACTED))
      }
      return out
    },
  }
}
