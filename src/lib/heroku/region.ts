/** Where each Heroku region is, in the words a data protection officer uses. */
const AREAS: Record<string, string> = {
  us: 'United States',
  virginia: 'United States',
  oregon: 'United States',
  eu: 'Europe',
  dublin: 'Europe',
  frankfurt: 'Europe',
  london: 'United Kingdom',
  tokyo: 'Japan',
  sydney: 'Australia',
  montreal: 'Canada',
  mumbai: 'India',
  singapore: 'Singapore',
}

/**
 * One description of a region for every command: the region's name as Heroku
 * gives it (an app in a Private Space has the space's region) and where that is,
 * e.g. "eu (Europe)", "dublin (Europe)".
 */
export function describeRegion(name: string | null | undefined): string {
  if (!name) return 'unknown'
  const area = AREAS[name]
  return area ? `${name} (${area})` : name
}
