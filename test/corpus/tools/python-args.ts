/**
 * Reads the arguments of a Python call as model definitions write them:
 * strings, numbers, True/False/None, lists and tuples, keyword arguments.
 * Names, attribute paths and calls read as `{expression}` with their text.
 */
export type PyValue = string | number | boolean | null | {expression: string} | PyValue[]
export interface PyArgs {positional: PyValue[]; keywords: Record<string, PyValue>}

export function parsePythonArgs(text: string): PyArgs {
  const reader = new Reader(text)
  const result: PyArgs = {positional: [], keywords: {}}
  while (!reader.done()) {
    const keyword = reader.keyword()
    if (keyword === null) result.positional.push(reader.value())
    else result.keywords[keyword] = reader.value()
    reader.skip(',')
  }
  return result
}

/** The text of the argument list of the call whose `(` is at `open`, and the index after its `)`. */
export function callArguments(text: string, open: number): {args: string; end: number} {
  let depth = 0
  let i = open
  while (i < text.length) {
    const ch = text.charAt(i)
    if (ch === '"' || ch === "'") i = skipString(text, i) - 1
    else if ('([{'.includes(ch)) depth++
    else if (')]}'.includes(ch) && --depth === 0) return {args: text.slice(open + 1, i), end: i + 1}
    i++
  }
  return {args: text.slice(open + 1), end: text.length}
}

export function expressionText(value: PyValue | undefined): string | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value.expression : undefined
}

function skipString(text: string, start: number): number {
  const mark = text.charAt(start)
  const quote = text.startsWith(mark.repeat(3), start) ? mark.repeat(3) : mark
  let i = start + quote.length
  while (i < text.length && !text.startsWith(quote, i)) i += text[i] === '\\' ? 2 : 1
  return i + quote.length
}

class Reader {
  private at = 0
  constructor(private readonly text: string) {}

  done(): boolean {
    this.space()
    return this.at >= this.text.length
  }

  skip(ch: string): void {
    this.space()
    if (this.text[this.at] === ch) this.at++
  }

  keyword(): string | null {
    this.space()
    const match = /^([A-Za-z_]\w*)\s*=(?!=)\s*/.exec(this.text.slice(this.at))
    if (!match) return null
    this.at += match[0].length
    return match[1]!
  }

  value(): PyValue {
    this.space()
    const rest = this.text.slice(this.at)
    const string = /^[rRbBuU]?(['"])/.exec(rest)
    if (string) {
      const start = this.at + string[0].length - 1
      const end = skipString(this.text, start)
      const quote = this.text.startsWith(string[1]!.repeat(3), start) ? 3 : 1
      this.at = end
      return this.text.slice(start + quote, end - quote)
    }
    const first = rest.charAt(0)
    if (first === '[' || (first === '(' && this.isTuple())) {
      const close = first === '[' ? ']' : ')'
      this.at++
      const items: PyValue[] = []
      while (!this.done() && this.text[this.at] !== close) {
        items.push(this.value())
        this.skip(',')
      }
      this.at++
      return items
    }
    const number = /^-?\d[\d_]*(\.\d+)?(?![\w.])/.exec(rest)
    if (number) {
      this.at += number[0].length
      return Number(number[0].replaceAll('_', ''))
    }
    const word = /^(True|False|None)\b/.exec(rest)
    if (word) {
      this.at += word[0].length
      return word[1] === 'None' ? null : word[1] === 'True'
    }
    return {expression: this.expression()}
  }

  /** A parenthesis at the reading position opens a tuple unless it holds one expression without a comma. */
  private isTuple(): boolean {
    const {args} = callArguments(this.text, this.at)
    return parsePythonArgs(args).positional.length !== 1 || /,\s*$/.test(args)
  }

  private expression(): string {
    const start = this.at
    let depth = 0
    while (this.at < this.text.length) {
      const ch = this.text.charAt(this.at)
      if (ch === '"' || ch === "'") {
        this.at = skipString(this.text, this.at)
        continue
      }
      if ('([{'.includes(ch)) depth++
      else if (')]}'.includes(ch)) depth--
      else if (ch === ',' && depth === 0) break
      this.at++
    }
    return this.text.slice(start, this.at).trim()
  }

  private space(): void {
    while (this.at < this.text.length && /\s/.test(this.text.charAt(this.at))) this.at++
  }
}
