/** One thing wrong with privacy.yml, placed in the file. */
export interface MapProblem {
  /** Dotted path inside the file: `tables.public.orders.via.to`. */
  path: string
  line?: number
  message: string
  /** Set when the problem is that something the map names no longer exists (drift, not a mistake in the file). */
  kind?: 'missing'
}
