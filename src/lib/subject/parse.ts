import {ExitCode, PrivacyError} from '../errors.js'

export interface SubjectLookup {
  column: string
  value: string
}

/** `email=alice@example.com` → {column: 'email', value: 'alice@example.com'}; the value is never printed back. */
export function parseSubject(text: string): SubjectLookup {
  const equals = text.indexOf('=')
  const column = text.slice(0, equals).trim()
  const value = text.slice(equals + 1).trim()
  if (equals <= 0 || !column || !value) {
    throw new PrivacyError('--subject must be COLUMN=VALUE, e.g. --subject email=alice@example.com or --subject id=42.', {code: 'usage', exitCode: ExitCode.usage})
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(column)) {
    throw new PrivacyError(`--subject names the column "${column}", which is not a plain column name; use a lookup column of the data map such as email or id.`, {code: 'usage', exitCode: ExitCode.usage})
  }
  return {column, value}
}
