/**
 * A small reader for the XML of schema changelogs: elements with their
 * attributes and children, text inside them; comments, processing
 * instructions and doctype are skipped, CDATA is read as text.
 */
export interface XmlElement {
  name: string
  attributes: Record<string, string>
  children: XmlElement[]
  text: string
}

export function parseXml(source: string): XmlElement {
  const root: XmlElement = {name: '#document', attributes: {}, children: [], text: ''}
  const stack: XmlElement[] = [root]
  const token =
    /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<!\[CDATA\[([\s\S]*?)\]\]>|<\/([\w:.-]+)\s*>|<([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g
  for (const match of source.matchAll(token)) {
    const [, cdata, closing, opening, attributeText, selfClosing, text] = match
    const current = stack[stack.length - 1] ?? root
    if (cdata !== undefined) current.text += cdata
    else if (text !== undefined) current.text += decode(text)
    else if (closing) stack.pop()
    else if (opening) {
      const element: XmlElement = {name: opening.replace(/^\w+:/, ''), attributes: attributes(attributeText ?? ''), children: [], text: ''}
      current.children.push(element)
      if (!selfClosing) stack.push(element)
    }
  }
  return root
}

function attributes(text: string): Record<string, string> {
  const result: Record<string, string> = {}
  for (const [, name, double, single] of text.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) result[name!] = decode(double ?? single ?? '')
  return result
}

function decode(text: string): string {
  return text.replace(
    /&(lt|gt|amp|quot|apos|#\d+);/g,
    (_, entity: string) =>
      (({lt: '<', gt: '>', amp: '&', quot: '"', apos: "'"}) as Record<string, string>)[entity] ?? String.fromCharCode(Number(entity.slice(1))),
  )
}
