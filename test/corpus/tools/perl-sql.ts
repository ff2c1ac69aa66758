/**
 * The schema statements inside a Perl upgrade script, in the order they appear:
 * here-document bodies and quoted strings (`qq|…|`, `q{…}`, "…", '…') that begin
 * with CREATE, ALTER or DROP, and the `drop_constraints` helper as the
 * statements it runs. Strings that interpolate Perl variables are left out:
 * their text is only known when the script runs.
 */
import {splitSqlStatements} from './sql-statements.js'

const DDL = /^\s*(CREATE|ALTER|DROP)\s/i
const QUOTE_PAIRS: Record<string, string> = {'{': '}', '(': ')', '[': ']', '<': '>'}

export function sqlInPerl(source: string): string[] {
  const pieces: Array<{at: number; text: string}> = []
  const heredoc = /<<~?\s*(["']?)([A-Z_]+)\1\s*;[^\n]*\n([\s\S]*?)^\s*\2\s*$/gm
  for (const match of source.matchAll(heredoc)) pieces.push({at: match.index, text: match[3] ?? ''})
  // Heredoc bodies are blanked (keeping offsets) so that their quotes are not read again.
  const rest = source
    .replace(heredoc, body => ' '.repeat(body.length))
    // Comments are blanked too: an apostrophe in one would open a string.
    .replace(/^\s*#.*$|(?<=[;,(){}])[ \t]*#.*$/gm, comment => ' '.repeat(comment.length))
  const quoted = /\b(qq|q)\s*([|{(\[<!#\/])|["']/g
  let match: RegExpExecArray | null
  while ((match = quoted.exec(rest)) !== null) {
    const start = match.index + match[0].length
    const open = match[2] ?? match[0]
    const end = rest.indexOf(QUOTE_PAIRS[open] ?? open, start)
    if (end === -1) break
    pieces.push({at: match.index, text: rest.slice(start, end)})
    quoted.lastIndex = end + 1
  }
  const statements = pieces.map(piece => ({
    at: piece.at,
    sql: splitSqlStatements(piece.text).filter(statement => DDL.test(statement) && !/[$@][A-Za-z_{]/.test(statement.replace(/\$[A-Za-z_]*\$/g, ''))),
  }))
  for (const call of rest.matchAll(/drop_constraints\(\s*table\s*=>\s*["']([\w.]+)["']/g)) {
    statements.push({at: call.index, sql: [dropForeignKeys(call[1]!)]})
  }
  return statements.sort((a, b) => a.at - b.at).flatMap(s => s.sql)
}

/** What the upgrade scripts' `drop_constraints(table => …)` helper does: drop the table's foreign keys. */
function dropForeignKeys(table: string): string {
  return (
    `DO $drop$ DECLARE r record; BEGIN FOR r IN SELECT conname FROM pg_constraint WHERE conrelid = '${table}'::regclass AND contype = 'f' ` +
    `LOOP EXECUTE format('ALTER TABLE ${table} DROP CONSTRAINT %I', r.conname); END LOOP; END $drop$`
  )
}
