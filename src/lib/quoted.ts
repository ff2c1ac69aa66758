/**
 * Reads a name in double quotes starting at `start` (which must be a quote),
 * a quote inside written twice, as SQL writes identifiers. Returns the name
 * and the index just after the closing quote, or nothing when it never closes.
 */
export function readDoubleQuoted(text: string, start: number): {value: string; end: number} | undefined {
  let value = ''
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] !== '"') value += text[i]
    else if (text[i + 1] === '"') value += text[++i]
    else return {value, end: i + 1}
  }
  return undefined
}
