/** Snake case as most apps write it, or quoted camelCase as ORMs such as Prisma do. */
export type Style = 'snake' | 'camel'

const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())

export function columnName(snake: string, style: Style): string {
  return style === 'camel' ? camel(snake) : snake
}

export function tableName(snake: string, style: Style): string {
  if (style === 'snake') return snake
  const name = camel(snake)
  return name[0]!.toUpperCase() + name.slice(1)
}

/** `"name"`: every identifier the generator writes goes through here. */
export function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`
}
