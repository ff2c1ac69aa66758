import {readFileSync} from 'node:fs'

import AjvDraft04, {ValidateFunction} from 'ajv-draft-04'
import ajvFormats from 'ajv-formats'

// Both are CommonJS; under NodeNext their classes sit on `.default`.
const Ajv = AjvDraft04.default
const addFormats = ajvFormats.default

interface SchemaLink {
  href: string
  method: string
  title?: string
  schema?: unknown
}

interface CompiledLink {
  definition: string
  title: string
  method: string
  pattern: RegExp
  params: Array<{name: string; validate: ValidateFunction}>
  validateBody?: ValidateFunction
}

export type ValidationResult = {ok: true; link: string} | {ok: false; status: 404 | 422; id: string; message: string}

/** draft-04 `id` keywords would move the base URI of refs; the Platform API schema uses plain `#/definitions` refs. */
function stripIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(item => stripIds(item))
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'id' || key === '$schema') && typeof value === 'string') continue
      out[key] = stripIds(value)
    }
    return out
  }
  return node
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Checks requests against the published Platform API hyper-schema: the path
 * must match a link's href (with each {(#/definitions/…)} segment valid for
 * that definition), and the body must match the link's schema.
 */
export class PlatformSchemaValidator {
  private readonly links: CompiledLink[] = []

  constructor(schemaPath: URL) {
    const schema = stripIds(JSON.parse(readFileSync(schemaPath, 'utf8'))) as {definitions: Record<string, {links?: SchemaLink[]}>}
    const ajv = new Ajv({strict: false, validateSchema: false, allErrors: true, unicodeRegExp: false})
    addFormats(ajv)
    ajv.addSchema(schema as object, 'platform')
    const refValidators = new Map<string, ValidateFunction>()
    const refValidator = (pointer: string): ValidateFunction => {
      const known = refValidators.get(pointer)
      if (known) return known
      const validate = ajv.compile({$ref: `platform${pointer}`})
      refValidators.set(pointer, validate)
      return validate
    }
    for (const [definition, entry] of Object.entries(schema.definitions)) {
      for (const [index, link] of (entry.links ?? []).entries()) {
        const params: CompiledLink['params'] = []
        const source = link.href
          .split(/(\{\([^)]+\)\})/)
          .map(part => {
            const param = /^\{\(([^)]+)\)\}$/.exec(part)
            if (!param) return escapeRegExp(part)
            const pointer = decodeURIComponent(param[1]!)
            params.push({name: pointer, validate: refValidator(pointer)})
            return '([^/]+)'
          })
          .join('')
        this.links.push({
          definition,
          title: link.title ?? '',
          method: link.method.toUpperCase(),
          pattern: new RegExp(`^${source}$`),
          params,
          validateBody: link.schema ? ajv.compile({$ref: `platform#/definitions/${definition}/links/${index}/schema`}) : undefined,
        })
      }
    }
  }

  validate(method: string, path: string, body: unknown): ValidationResult {
    const candidates = this.links.filter(link => link.method === method && link.pattern.test(path))
    if (candidates.length === 0) {
      return {ok: false, status: 404, id: 'not_found', message: `The requested API endpoint ${method} ${path} is not in the Platform API schema.`}
    }
    let pathProblem: string | undefined
    for (const link of candidates) {
      const values = link.pattern
        .exec(path)!
        .slice(1)
        .map(value => decodeURIComponent(value))
      const badParam = link.params.findIndex((param, i) => !param.validate(values[i]))
      if (badParam >= 0) {
        pathProblem = `Couldn't find that ${link.definition} (${values[badParam]} is not a valid ${link.params[badParam]!.name.split('/')[2]}).`
        continue
      }
      if (link.validateBody && !link.validateBody(body ?? {})) {
        const problems = (link.validateBody.errors ?? []).map(e => `${e.instancePath || 'body'} ${e.message}`).join('; ')
        return {ok: false, status: 422, id: 'invalid_params', message: `Invalid request for ${link.definition} ${link.title}: ${problems}`}
      }
      return {ok: true, link: `${link.definition} ${link.title}`}
    }
    return {ok: false, status: 404, id: 'not_found', message: pathProblem ?? 'Not found.'}
  }
}
