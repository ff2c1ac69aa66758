import {dirname} from 'node:path'
import {fileURLToPath} from 'node:url'

import {expect} from 'chai'

import {CATEGORIES} from '../../src/lib/datamap/schema.js'
import {tableKeyOf} from './tools/build.js'
import {splitColumnPath} from './tools/references.js'
import {loadCorpus} from './tools/run-app.js'
import {isValueKind} from './tools/value-kinds.js'

const apps = await loadCorpus(dirname(fileURLToPath(import.meta.url)))

/** Labels can only be trusted if they name what the schema has; these checks keep them honest as schemas and labels change. */
describe('corpus labels', () => {
  for (const {name, schema, labels} of apps) {
    describe(name, () => {
      const tables = new Map(schema.tables.map(t => [tableKeyOf(t), t]))
      const keys = new Set(tables.keys())
      const hasColumn = (table: string, column: string) => tables.get(table)?.columns.some(c => c.name === column) ?? false
      const resolve = (path: string) => {
        const found = splitColumnPath(path, keys)
        return found && hasColumn(found.table, found.column) ? found : undefined
      }

      it('names subject tables, keys and lookups the schema has', () => {
        expect(labels.subjects.length).to.be.greaterThan(0)
        for (const subject of labels.subjects) {
          expect(hasColumn(subject.table, subject.key), `${subject.table}.${subject.key}`).to.equal(true)
          for (const lookup of subject.lookup) expect(hasColumn(subject.table, lookup), `${subject.table}.${lookup}`).to.equal(true)
        }
      })

      it('labels existing columns with a known category and value kind', () => {
        const bad = Object.entries(labels.personal).filter(
          ([path, label]) =>
            !resolve(path) ||
            !CATEGORIES.includes(label.category as never) ||
            label.category === 'none' ||
            (label.values !== undefined && !isValueKind(label.values)),
        )
        expect(bad.map(([path, label]) => `${path} ${JSON.stringify(label)}`)).to.deep.equal([])
        const badValues = Object.entries(labels.values ?? {}).filter(([path, kind]) => !resolve(path) || !isValueKind(kind) || path in labels.personal)
        expect(badValues.map(([path, kind]) => `${path} ${kind}`)).to.deep.equal([])
      })

      it('says how every table holding personal data reaches a person, and whether a foreign key declares it', () => {
        const subjects = new Set(labels.subjects.map(s => s.table))
        const personalTables = new Set(
          Object.keys(labels.personal)
            .map(path => resolve(path)?.table)
            .filter((t): t is string => t !== undefined),
        )
        const unexplained = [...personalTables].filter(t => !subjects.has(t) && !labels.reaches[t] && !labels.notes?.[t])
        expect(unexplained, 'tables with personal data and no reaches or note').to.deep.equal([])
        const wrong: string[] = []
        for (const [table, reaches] of Object.entries(labels.reaches)) {
          for (const reach of reaches) {
            const columns = Array.isArray(reach.column) ? reach.column : [reach.column]
            const to = resolve(reach.to)
            if (!tables.has(table) || columns.some(c => !hasColumn(table, c)) || !to) {
              wrong.push(`${table}.${columns.join('+')} → ${reach.to}: no such column`)
              continue
            }
            const declared =
              tables
                .get(table)!
                .foreignKeys.some(fk => fk.references === to.table && columns.some(c => fk.columns.includes(c)) && fk.referencedColumns.includes(to.column)) ||
              tables
                .get(to.table)!
                .foreignKeys.some(fk => fk.references === table && fk.columns.includes(to.column) && columns.some(c => fk.referencedColumns.includes(c)))
            if (declared !== reach.fk) wrong.push(`${table}.${columns.join('+')} → ${reach.to}: fk is ${declared}, labelled ${reach.fk}`)
          }
        }
        expect(wrong).to.deep.equal([])
      })

      it('writes down its hard calls', () => {
        expect(labels.hardCalls.length).to.be.greaterThan(0)
      })
    })
  }
})
