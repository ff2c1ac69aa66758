import {Flags} from '@oclif/core'

import {usageError} from '../lib/errors.js'

/** The heroku CLI's table flags: choose columns, show the extended ones, or print CSV. */
export const tableFlags = {
  columns: Flags.string({description: 'only these columns, comma-separated (by header)', helpValue: 'COLUMN,…', exclusive: ['extended']}),
  extended: Flags.boolean({char: 'x', description: 'show extra columns'}),
  csv: Flags.boolean({description: 'print CSV instead of a table'}),
}

export interface TableFlags {
  columns?: string
  extended?: boolean
  csv?: boolean
}

export type TableColumns<T> = Record<string, {header?: string; extended?: boolean; get?: (row: T) => unknown}>

/**
 * A table in the heroku CLI's style (hux.table of @heroku/heroku-cli-util):
 * it fits the terminal, wrapping long cells, and keeps its natural width when
 * piped; --columns, --extended and --csv behave as in `heroku` commands.
 */
export async function renderTable<T extends object>(rows: T[], columns: TableColumns<T>, flags: TableFlags, printLine: (line: string) => void): Promise<void> {
  // Loaded when a table is shown: the table renderer is the heaviest module the plugin uses.
  const {hux} = await import('@heroku/heroku-cli-util')
  try {
    hux.table(rows as Array<T & Record<string, unknown>>, columns as TableColumns<T & Record<string, unknown>>, {
      columns: flags.columns,
      extended: flags.extended,
      csv: flags.csv,
      overflow: 'wrap',
      printLine: line => printLine(String(line)),
    })
  } catch (error) {
    if (/Columns flag has an invalid value/.test(String((error as Error).message))) {
      const valid = Object.entries(columns)
        .map(([key, column]) => column.header ?? key)
        .join(', ')
      throw usageError(`--columns ${flags.columns} names a column this table does not have; choose from ${valid}.`)
    }
    throw error
  }
}
