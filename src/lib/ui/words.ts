/** "1 error", "2 errors", "1 person", "3 people": counts in words that agree with them. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en')} ${count === 1 ? singular : pluralForm}`
}
