import {createHash} from 'node:crypto'

import type pg from 'pg'

import type {TableInfo} from '../db/introspect.js'
import {primaryKeyText, quoteIdent, quoteLiteral} from '../db/sql.js'
import {PrivacyError} from '../errors.js'
import {restrictedRowCondition} from './registry-sql.js'

/** Schema holding one view per mapped table without the restricted rows; public tables keep their names. */
export const VIEW_SCHEMA = 'heroku_privacy_unrestricted'
export const TRIGGER_NAME = 'heroku_privacy_restriction'

export function viewName(table: TableInfo): string {
  return table.schema === 'public' ? table.name : `${table.schema}__${table.name}`
}

function enforcerName(table: TableInfo): string {
  return `enforce_${table.name.replace(/[^a-z0-9_]/gi, '_').slice(0, 40)}_${createHash('sha256').update(table.key).digest('hex').slice(0, 8)}`
}

/**
 * (Re)creates the view of each table that leaves out restricted rows, so an
 * application can read `heroku_privacy_unrestricted.<table>` (or put that
 * schema first in its search_path) and stop processing restricted people.
 */
export async function installViews(client: pg.ClientBase, tables: TableInfo[]): Promise<string[]> {
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(VIEW_SCHEMA)}`)
  await client.query(`GRANT USAGE ON SCHEMA ${quoteIdent(VIEW_SCHEMA)} TO PUBLIC`)
  const views: string[] = []
  for (const table of tables) {
    const view = `${quoteIdent(VIEW_SCHEMA)}.${quoteIdent(viewName(table))}`
    try {
      await client.query(`DROP VIEW IF EXISTS ${view}`)
      await client.query(`CREATE VIEW ${view} AS SELECT t.* FROM ${quoteIdent(table.schema)}.${quoteIdent(table.name)} t
        WHERE NOT ${restrictedRowCondition(table.key, primaryKeyText(table, 't'))}`)
    } catch (error) {
      if ((error as {code?: string}).code === '42501') {
        throw new PrivacyError(
          `This role may not replace ${VIEW_SCHEMA}.${viewName(table)} (it belongs to another role); run as the role that restricted before, usually the app's default credential.`,
          {code: 'views_not_permitted'},
        )
      }
      throw error
    }
    views.push(`${VIEW_SCHEMA}.${viewName(table)}`)
  }
  return views
}

/**
 * Row triggers that refuse UPDATE and DELETE of restricted rows unless the
 * session sets `heroku_privacy.bypass` to a reason; each bypass is written to
 * heroku_privacy.bypass_log, which the tool copies into the ledger.
 */
export async function installEnforcement(client: pg.ClientBase, tables: TableInfo[]): Promise<void> {
  for (const table of tables) {
    const fn = `heroku_privacy.${quoteIdent(enforcerName(table))}`
    const target = `${quoteIdent(table.schema)}.${quoteIdent(table.name)}`
    try {
      await client.query(`
        CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $fn$
        DECLARE
          row_key text := ${primaryKeyText(table, 'OLD')};
          why text;
        BEGIN
          IF ${restrictedRowCondition(table.key, 'row_key')} THEN
            why := nullif(current_setting('heroku_privacy.bypass', true), '');
            IF why IS NULL THEN
              RAISE EXCEPTION 'row % of % is restricted: processing has stopped until the restriction is lifted (GDPR Art. 18)', row_key, ${quoteLiteral(table.key)}
                USING ERRCODE = 'PR018', HINT = 'SET heroku_privacy.bypass = ''<reason>'' to override; every bypass is recorded.';
            END IF;
            INSERT INTO heroku_privacy.bypass_log (table_name, pk, operation, reason) VALUES (${quoteLiteral(table.key)}, row_key, TG_OP, why);
          END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END
        $fn$`)
      await client.query(`DROP TRIGGER IF EXISTS ${TRIGGER_NAME} ON ${target}`)
      await client.query(`CREATE TRIGGER ${TRIGGER_NAME} BEFORE UPDATE OR DELETE ON ${target} FOR EACH ROW EXECUTE FUNCTION ${fn}()`)
    } catch (error) {
      if ((error as {code?: string}).code === '42501') {
        throw new PrivacyError(`This role may not create triggers on ${table.key} (only its owner can).`, {code: 'enforce_not_permitted'})
      }
      throw error
    }
  }
}
