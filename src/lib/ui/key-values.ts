export type KeyValueRows = Array<[label: string, value: string | number | boolean | null | undefined | string[]]>

function show(value: KeyValueRows[number][1]): string | undefined {
  if (value === null || value === undefined) return undefined
  if (Array.isArray(value)) return value.length > 0 ? value.join(', ') : undefined
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  return String(value)
}

/** Aligned `Label: value` lines in the style of `heroku pg:info`; empty values are left out. */
export function formatKeyValues(rows: KeyValueRows): string {
  const shown = rows.flatMap(([label, value]) => {
    const text = show(value)
    return text === undefined ? [] : [[label, text] as const]
  })
  const width = Math.max(0, ...shown.map(([label]) => label.length + 1))
  return shown.map(([label, text]) => `${`${label}:`.padEnd(width)} ${text}`).join('\n')
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`
}
