/** One syslog line from a Logplex batch. */
export interface LogLine {
  priority: number
  /** ISO 8601, normalised from the frame's RFC 3339 timestamp. */
  loggedAt: string
  host: string
  app: string
  proc: string
  message: string
}

export interface ParsedBatch {
  lines: LogLine[]
  /** Frames that could not be read: a length that lies, a cut-off body, a header that is not RFC 5424. */
  malformed: number
}

const SPACE = 0x20
const DIGIT_0 = 0x30
const DIGIT_9 = 0x39
const LESS_THAN = 0x3c
/** More digits than any frame inside a bounded request body could need. */
const MAX_LENGTH_DIGITS = 9

const isDigit = (byte: number | undefined) => byte !== undefined && byte >= DIGIT_0 && byte <= DIGIT_9

/** `<digits> <` at `at`: where a frame can start. Returns the length and where its content starts. */
function frameHeaderAt(body: Buffer, at: number): {length: number; contentStart: number} | null {
  let cursor = at
  while (cursor < body.length && isDigit(body[cursor]) && cursor - at < MAX_LENGTH_DIGITS) cursor++
  if (cursor === at || body[cursor] !== SPACE || body[cursor + 1] !== LESS_THAN) return null
  return {length: Number(body.toString('latin1', at, cursor)), contentStart: cursor + 1}
}

const SYSLOG_START = /^<\d{1,3}>1 /

/**
 * After a frame whose length cannot be trusted, where the next frame starts:
 * a ` <pri>1 ` preceded by digits. The message before may itself end in
 * digits, so the length is the split of those digits whose frame ends
 * exactly where another frame (or the body) does.
 */
function resynchronise(body: Buffer, from: number): number {
  for (let at = from + 1; at < body.length; at++) {
    if (body[at] !== SPACE || body[at + 1] !== LESS_THAN || !isDigit(body[at - 1])) continue
    if (!SYSLOG_START.test(body.toString('latin1', at + 1, at + 8))) continue
    let first = at - 1
    while (first - 1 >= from && isDigit(body[first - 1]) && at - first < MAX_LENGTH_DIGITS) first--
    for (let start = first; start < at; start++) {
      const length = Number(body.toString('latin1', start, at))
      const end = at + 1 + length
      if (length > 0 && end <= body.length && endsAtBoundary(body, end)) return start
    }
  }
  return body.length
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/

/** A strict RFC 3339 timestamp (no 31 February, no hour 25) as an ISO string, or null. */
export function parseTimestamp(text: string): string | null {
  const match = RFC3339.exec(text)
  if (!match) return null
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const calendar = new Date(Date.UTC(year, month - 1, day))
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? null : new Date(ms).toISOString()
}

/**
 * `<pri>1 timestamp host app proc msgid message` — Heroku's RFC 5424 shape,
 * which leaves out structured data. The message keeps its own spaces.
 */
export function parseSyslog(content: string): LogLine | null {
  const header = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+)(?: |$)/.exec(content)
  if (!header) return null
  const priority = Number(header[1])
  const loggedAt = parseTimestamp(header[2]!)
  if (priority > 191 || !loggedAt) return null
  const message = content.slice(header[0].length).replace(/\r?\n$/, '')
  return {priority, loggedAt, host: header[3]!, app: header[4]!, proc: header[5]!, message: withoutNul(message)}
}

/** Postgres text cannot hold NUL, and one NUL must not cost the whole batch. */
function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text
}

/**
 * Reads a Logplex body: octet-counted frames (`<length> <syslog message>`),
 * lengths in bytes. A frame whose length runs past the body, or does not end
 * where another frame (or the body) begins, is counted as malformed and the
 * reader picks up at the next frame header, so one bad frame costs only itself.
 */
export function parseLogplexBody(body: Buffer): ParsedBatch {
  const lines: LogLine[] = []
  let malformed = 0
  let at = 0
  while (at < body.length) {
    if (body[at] === 0x0a || body[at] === 0x0d) {
      at++
      continue
    }
    const header = frameHeaderAt(body, at)
    const end = header ? header.contentStart + header.length : -1
    if (header === null || header.length === 0 || end > body.length || !endsAtBoundary(body, end)) {
      // The length cannot be trusted: look for where the next frame starts.
      malformed++
      at = resynchronise(body, at + 1)
      continue
    }
    const line = parseSyslog(body.toString('utf8', header.contentStart, end))
    at = end
    if (!line) {
      malformed++
      continue
    }
    lines.push(line)
  }
  return {lines, malformed}
}

function endsAtBoundary(body: Buffer, end: number): boolean {
  let next = end
  while (next < body.length && (body[next] === 0x0a || body[next] === 0x0d)) next++
  return next === body.length || frameHeaderAt(body, next) !== null
}
