/**
 * A Django project's models as `from-django.ts` needs them: which classes are
 * models and where their tables are, what a relation or a base class names
 * (`"app.Model"`, `"self"`, `settings.AUTH_USER_MODEL`, a class of the same
 * module first), the fields of a model with those of its abstract bases, its
 * primary key (its own, a one-to-one key, or the `<parent>_ptr_id` of
 * multi-table inheritance), and the integer constants options name.
 */
import {EXTERNAL_CONCRETE, LIBRARY_MODULE, libraryClasses} from './django-contrib.js'
import {RELATIONS, autoFieldType, columnType, knownFieldBase, last, plainType} from './django-fields.js'
import {type Call, type PyClass, pyString} from './django-parse.js'

export interface Model {
  cls: PyClass
  app: string
  table: string
  abstract: boolean
  proxy: boolean
  library: boolean
}
export interface ModelField {
  name: string
  call: Call
  owner: PyClass
}

export interface ProjectOptions {
  /** DEFAULT_AUTO_FIELD: `AutoField` (Django's default) or `BigAutoField`. */
  autoField?: string
  /** AUTH_USER_MODEL as `app.Model`; Django's `auth.User` when not given. */
  userModel?: string
}

export class DjangoProject {
  readonly models = new Map<PyClass, Model>()
  readonly fieldClasses = new Map<string, string>()
  readonly autoType: string
  private readonly classesByName = new Map<string, PyClass[]>()
  private readonly classes: PyClass[]

  constructor(
    classes: PyClass[],
    private readonly constants: Map<string, Map<string, number>>,
    private readonly options: ProjectOptions = {},
  ) {
    this.autoType = autoFieldType(options.autoField)
    // A project's classes come before the libraries', so a project's `Group` wins over Django's for a bare name.
    this.classes = [...classes, ...libraryClasses()]
    for (const cls of this.classes) this.classesByName.set(cls.name, [...(this.classesByName.get(cls.name) ?? []), cls])
    for (const cls of classes) {
      const base = knownFieldBase(cls.bases)
      if (base) this.fieldClasses.set(cls.name, base)
    }
    for (const cls of this.classes) {
      if (!this.isModel(cls)) continue
      const app = pyString(cls.meta.app_label) ?? cls.app
      this.models.set(cls, {
        cls,
        app,
        table: pyString(cls.meta.db_table) ?? `${app}_${cls.name.toLowerCase()}`,
        abstract: cls.meta.abstract === 'True',
        proxy: cls.meta.proxy === 'True',
        library: cls.module === LIBRARY_MODULE,
      })
    }
  }

  /** A class by the name code uses for it (`Realm`, `"zerver.Realm"`, `mptt.models.MPTTModel`): same module, same app, the project, a library. */
  findClass(reference: string, from: PyClass): PyClass | undefined {
    const parts = reference.split('.')
    const candidates = this.classesByName.get(parts.at(-1)!) ?? []
    const app = parts.length === 2 ? candidates.find(c => (pyString(c.meta.app_label) ?? c.app) === parts[0]) : undefined
    const preferModels = (list: PyClass[]) => list.find(c => this.isModel(c)) ?? list[0]
    return (
      app ??
      preferModels(candidates.filter(c => c.module === from.module)) ??
      preferModels(candidates.filter(c => c.app === from.app)) ??
      preferModels(candidates.filter(c => c.module !== LIBRARY_MODULE)) ??
      preferModels(candidates)
    )
  }

  private isModel(cls: PyClass, seen = new Set<PyClass>()): boolean {
    if (seen.has(cls)) return false
    seen.add(cls)
    return cls.bases.some(base => {
      if (base === 'models.Model' || base === 'Model' || EXTERNAL_CONCRETE.has(last(base))) return true
      const found = this.findClass(base, cls)
      return found !== undefined && found !== cls && this.isModel(found, seen)
    })
  }

  /** Models that have a table: neither abstract nor proxies. */
  concreteModels(): Model[] {
    return [...this.models.values()].filter(m => !m.abstract && !m.proxy)
  }

  /** The model a relation points at, or undefined when it is outside the sources (its column stays, without a foreign key). */
  target(call: Call, model: Model, from: PyClass = model.cls): Model | undefined {
    const raw = call.kwargs.to ?? call.args[0] ?? ''
    const name = raw.includes('AUTH_USER_MODEL') ? (this.options.userModel ?? 'auth.User') : (pyString(raw) ?? raw)
    const cls = name === 'self' ? model.cls : this.findClass(name, from)
    const found = cls ? this.models.get(cls) : undefined
    return found?.proxy ? (this.concreteParent(found) ?? found) : found
  }

  /** Bases of a model that are models themselves. */
  private modelBases(model: Model): Model[] {
    return model.cls.bases
      .map(b => this.findClass(b, model.cls))
      .filter((c): c is PyClass => c !== undefined && c !== model.cls)
      .map(c => this.models.get(c))
      .filter((m): m is Model => m !== undefined)
  }

  /** The concrete model a model extends by multi-table inheritance (a proxy's model too). */
  concreteParent(model: Model): Model | undefined {
    return this.modelBases(model).find(m => !m.abstract)
  }

  /** A concrete model of a library outside the sources that the model extends (`PeriodicTask`). */
  externalParent(model: Model): string | undefined {
    return model.cls.bases.map(last).find(b => EXTERNAL_CONCRETE.has(b) && !this.classesByName.has(b))
  }

  /**
   * Fields in Django's order, which is the order the fields were created in: those of library bases (Django is
   * imported first), then those of the project's abstract bases (left to right), then the model's own, which override.
   */
  fields(model: Model): ModelField[] {
    const fields = this.inheritedFields(model, new Set())
    const created = (f: ModelField) => this.classes.indexOf(f.owner)
    return [
      ...fields.filter(f => f.owner.module === LIBRARY_MODULE).sort((a, b) => created(a) - created(b)),
      ...fields.filter(f => f.owner.module !== LIBRARY_MODULE),
    ]
  }

  private inheritedFields(model: Model, seen: Set<Model>): ModelField[] {
    const fields: ModelField[] = []
    for (const base of this.modelBases(model)) {
      if (base.abstract && !seen.has(base)) fields.push(...this.inheritedFields(base, new Set([...seen, model])))
    }
    for (const field of model.cls.fields) {
      const at = fields.findIndex(f => f.name === field.name)
      if (at >= 0) fields.splice(at, 1)
      fields.push({...field, owner: model.cls})
    }
    return fields
  }

  /** The column of a field: `db_column`, `<name>_id` for a relation, else its name. */
  columnOf(field: {name: string; call: Call}): string {
    return (
      pyString(field.call.kwargs.db_column) ??
      (RELATIONS.has(this.fieldClasses.get(last(field.call.callee)) ?? last(field.call.callee)) ? `${field.name}_id` : field.name)
    )
  }

  /** The primary key's column and type (a serial type when Django creates it automatically). */
  primaryKey(model: Model): {column: string; type: string; implicit: boolean} {
    const own = this.fields(model).find(f => f.call.kwargs.primary_key === 'True')
    if (own) return {column: this.columnOf(own), type: this.fieldType(own, model), implicit: false}
    const parent = this.concreteParent(model)
    if (parent) return {column: `${parent.cls.name.toLowerCase()}_ptr_id`, type: plainType(this.primaryKey(parent).type), implicit: true}
    const external = this.externalParent(model)
    if (external) return {column: `${external.toLowerCase()}_ptr_id`, type: 'integer', implicit: true}
    return {column: 'id', type: model.library ? 'serial' : this.autoType, implicit: true}
  }

  /** A field's column type; a relation has the type of the key (or `to_field`) it points at. */
  fieldType(field: ModelField, model: Model): string {
    const kind = this.fieldClasses.get(last(field.call.callee)) ?? last(field.call.callee)
    if (!RELATIONS.has(kind)) return columnType(field.call, this.fieldClasses, text => this.integer(text, field.owner))
    const target = this.target(field.call, model, field.owner)
    if (!target) return 'integer'
    const toField = pyString(field.call.kwargs.to_field)
    const referenced = toField ? this.fields(target).find(f => f.name === toField) : undefined
    return plainType(referenced ? this.fieldType(referenced, target) : this.primaryKey(target).type)
  }

  /** The column a relation points at: `to_field`'s, or the target's key. */
  referencedColumn(field: ModelField, target: Model): string {
    const toField = pyString(field.call.kwargs.to_field)
    const referenced = toField ? this.fields(target).find(f => f.name === toField) : undefined
    return referenced ? this.columnOf(referenced) : this.primaryKey(target).column
  }

  /**
   * An integer option as digits: a number, or a constant — of the class whose body names it or of its module
   * (where imports put it too), of another class (`Realm.MAX_REALM_NAME_LENGTH`), or of settings.
   */
  integer(text: string | undefined, owner: PyClass): string | undefined {
    const value = text?.trim()
    if (!value) return undefined
    if (/^\d[\d_]*$/.test(value)) return value.replaceAll('_', '')
    const [scope, name] = value.includes('.') ? [value.slice(0, value.lastIndexOf('.')), last(value)] : [undefined, value]
    const found =
      scope === undefined
        ? (owner.constants[name] ?? this.moduleConstant(name, owner.module))
        : scope === 'settings'
          ? this.moduleConstant(name, undefined)
          : this.classConstant(this.findClass(scope, owner), name)
    return found === undefined ? undefined : String(found)
  }

  private classConstant(cls: PyClass | undefined, name: string, depth = 0): number | undefined {
    if (!cls || depth > 20) return undefined
    return cls.constants[name] ?? cls.bases.map(b => this.classConstant(this.findClass(b, cls), name, depth + 1)).find(v => v !== undefined)
  }

  /** A module's own constant, else the constant of that name in any module (an import). */
  private moduleConstant(name: string, module: string | undefined): number | undefined {
    const own = module === undefined ? undefined : this.constants.get(module)?.get(name)
    return own ?? [...this.constants.values()].map(m => m.get(name)).find(v => v !== undefined)
  }
}
