import type {ColumnModel, ForeignKeyModel, Person, TableModel} from '../model.js'
import {tableKeyOf} from '../model.js'
import type {Random} from '../random.js'
import {Style, columnName, tableName} from './naming.js'

/** What every table builder needs: the generator, the people, the tables made so far and the root. */
export class BuildContext {
  readonly tables: TableModel[] = []
  private counter = 0

  constructor(
    readonly rng: Random,
    readonly people: Person[],
  ) {}

  get root(): TableModel {
    return this.tables[0]!
  }

  get rootKey(): ColumnModel {
    return this.root.columns.find(c => c.name === this.root.primaryKey[0])!
  }

  /** A style and a table name not taken yet (or undefined when every variant is taken). */
  newTable(snakeNames: readonly string[], kind: string, schema = 'public'): TableModel | undefined {
    const style: Style = this.rng.chance(0.3) ? 'camel' : 'snake'
    for (const snake of this.rng.shuffle(snakeNames)) {
      const name = tableName(snake, style)
      if (this.tables.some(t => t.name.toLowerCase() === name.toLowerCase())) continue
      const table: TableModel = {schema, name, kind, columns: [], primaryKey: [], indexes: [], foreignKeys: [], rows: []}
      styles.set(table, style)
      return table
    }
    return undefined
  }

  add(table: TableModel): TableModel {
    this.tables.push(table)
    return table
  }

  col(table: TableModel, snake: string): string {
    return columnName(snake, styles.get(table) ?? 'snake')
  }

  /** A fresh constraint or index name, unique across the case. */
  name(prefix: string): string {
    return `${prefix}_${++this.counter}`
  }

  foreignKey(
    table: TableModel,
    columns: string[],
    target: TableModel,
    referencedColumns: string[],
    onDelete: ForeignKeyModel['onDelete'],
    deferrable = false,
  ): ForeignKeyModel {
    const fk: ForeignKeyModel = {name: this.name('fk'), columns, references: tableKeyOf(target), referencedColumns, onDelete, deferrable}
    table.foreignKeys.push(fk)
    return fk
  }

  /** The person's root key as a cell of the root key's type. */
  keyValue(person: Person): string | number {
    return this.rootKey.type === 'uuid' ? person.key : Number(person.key)
  }

  /** Another person than `owner`, or undefined when there is nobody else. */
  other(owner: number): number | undefined {
    const others = this.people.map((_, i) => i).filter(i => i !== owner)
    return others.length > 0 ? this.rng.pick(others) : undefined
  }
}

const styles = new WeakMap<TableModel, Style>()
