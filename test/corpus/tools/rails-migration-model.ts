/**
 * The schema that a sequence of Rails migrations leaves behind, kept as a
 * model: each operation changes the model, and one that names a table, column
 * or index that is not there (a migration guarded by `if …exists?`) changes
 * nothing. `toSql` writes the model as PostgreSQL DDL.
 */
export interface RailsColumn {
  name: string
  type: string
  nullable: boolean
  default?: string
}
interface RailsIndex {
  name: string
  columns: string[]
  unique: boolean
  where?: string
}
interface RailsTable {
  name: string
  primaryKey: string[]
  columns: RailsColumn[]
  indexes: RailsIndex[]
  foreignKeys: Array<{column: string; to: string; toColumn: string}>
}

export class RailsSchema {
  readonly tables = new Map<string, RailsTable>()

  createTable(name: string, primaryKey: RailsColumn | null): RailsTable {
    const table: RailsTable = {name, primaryKey: primaryKey ? [primaryKey.name] : [], columns: primaryKey ? [primaryKey] : [], indexes: [], foreignKeys: []}
    this.tables.set(name, table)
    return table
  }

  dropTable(name: string): void {
    this.tables.delete(name)
  }

  renameTable(from: string, to: string): void {
    const table = this.tables.get(from)
    if (!table) return
    this.tables.delete(from)
    table.name = to
    this.tables.set(to, table)
    for (const index of table.indexes) index.name = index.name.replace(`index_${from}_on_`, `index_${to}_on_`)
    for (const other of this.tables.values()) for (const fk of other.foreignKeys) if (fk.to === from) fk.to = to
  }

  addColumn(tableName: string, column: RailsColumn): void {
    const table = this.tables.get(tableName)
    if (!table) return
    const at = table.columns.findIndex(c => c.name === column.name)
    if (at === -1) table.columns.push(column)
    else table.columns[at] = column
  }

  removeColumn(tableName: string, name: string): void {
    const table = this.tables.get(tableName)
    if (!table) return
    table.columns = table.columns.filter(c => c.name !== name)
    table.indexes = table.indexes.filter(i => !i.columns.includes(name))
    table.foreignKeys = table.foreignKeys.filter(f => f.column !== name)
  }

  renameColumn(tableName: string, from: string, to: string): void {
    const table = this.tables.get(tableName)
    const column = table?.columns.find(c => c.name === from)
    if (!table || !column) return
    column.name = to
    for (const index of table.indexes) index.columns = index.columns.map(c => (c === from ? to : c))
    for (const fk of table.foreignKeys) if (fk.column === from) fk.column = to
  }

  changeColumn(tableName: string, name: string, change: Partial<RailsColumn>): void {
    const column = this.tables.get(tableName)?.columns.find(c => c.name === name)
    if (column) Object.assign(column, change)
  }

  addIndex(tableName: string, columns: string[], unique: boolean, name?: string, where?: string): void {
    const table = this.tables.get(tableName)
    if (!table || columns.some(c => !table.columns.some(col => col.name === c))) return
    const indexName = name ?? `index_${tableName}_on_${columns.join('_and_')}`
    table.indexes = table.indexes.filter(i => i.name !== indexName)
    table.indexes.push({name: indexName, columns, unique, ...(where ? {where} : {})})
  }

  removeIndex(tableName: string, by: {name?: string; columns?: string[]}): void {
    const table = this.tables.get(tableName)
    if (!table) return
    table.indexes = table.indexes.filter(i => (by.name ? i.name !== by.name : i.columns.join() !== (by.columns ?? []).join()))
  }

  addForeignKey(tableName: string, to: string, column: string, toColumn = 'id'): void {
    const table = this.tables.get(tableName)
    if (!table || table.foreignKeys.some(f => f.column === column && f.to === to)) return
    table.foreignKeys.push({column, to, toColumn})
  }

  toSql(): string {
    const out: string[] = []
    const q = (name: string) => `"${name.replaceAll('"', '""')}"`
    for (const table of this.tables.values()) {
      const lines = table.columns.map(c => `  ${q(c.name)} ${c.type}${c.nullable ? '' : ' NOT NULL'}${c.default === undefined ? '' : ` DEFAULT ${c.default}`}`)
      if (table.primaryKey.length > 0) lines.push(`  PRIMARY KEY (${table.primaryKey.map(q).join(', ')})`)
      out.push(`CREATE TABLE ${q(table.name)} (\n${lines.join(',\n')}\n);`)
      for (const index of table.indexes) {
        out.push(
          `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${q(index.name.slice(0, 63))} ON ${q(table.name)} (${index.columns.map(q).join(', ')})${index.where ? ` WHERE ${index.where}` : ''};`,
        )
      }
    }
    for (const table of this.tables.values()) {
      for (const fk of table.foreignKeys) {
        if (!this.tables.has(fk.to) || !table.columns.some(c => c.name === fk.column)) continue
        out.push(`ALTER TABLE ${q(table.name)} ADD FOREIGN KEY (${q(fk.column)}) REFERENCES ${q(fk.to)} (${q(fk.toColumn)});`)
      }
    }
    return `${out.join('\n')}\n`
  }
}
