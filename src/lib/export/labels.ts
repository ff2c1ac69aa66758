import {Locale, textIn} from '../datamap/processing-schema.js'
import type {TableMap} from '../datamap/schema.js'

type Labels = Record<string, Record<Locale, string>>

/** Heroku Connect's and Salesforce's own columns, which mean nothing to a person under their technical names. */
const CONNECT_LABELS: Labels = {
  sfid: {en: 'Salesforce record id', de: 'Salesforce-Datensatz-ID', fr: 'Identifiant de la fiche Salesforce'},
  systemmodstamp: {en: 'Last changed in Salesforce', de: 'Zuletzt in Salesforce geändert', fr: 'Dernière modification dans Salesforce'},
  lastmodifieddate: {en: 'Last edited in Salesforce', de: 'Zuletzt in Salesforce bearbeitet', fr: 'Dernière édition dans Salesforce'},
  createddate: {en: 'Created in Salesforce', de: 'In Salesforce angelegt', fr: 'Créée dans Salesforce'},
  isdeleted: {en: 'Deleted in Salesforce', de: 'In Salesforce gelöscht', fr: 'Supprimée dans Salesforce'},
  ownerid: {en: 'Salesforce owner', de: 'Salesforce-Verantwortliche(r)', fr: 'Propriétaire dans Salesforce'},
  createdbyid: {en: 'Created by (Salesforce user)', de: 'Angelegt von (Salesforce-Nutzer)', fr: 'Créée par (utilisateur Salesforce)'},
  lastmodifiedbyid: {en: 'Last changed by (Salesforce user)', de: 'Zuletzt geändert von (Salesforce-Nutzer)', fr: 'Modifiée par (utilisateur Salesforce)'},
  firstname: {en: 'First name', de: 'Vorname', fr: 'Prénom'},
  lastname: {en: 'Last name', de: 'Nachname', fr: 'Nom'},
  mailingcity: {en: 'City', de: 'Ort', fr: 'Ville'},
  mailingstreet: {en: 'Street', de: 'Straße', fr: 'Rue'},
  mailingpostalcode: {en: 'Postcode', de: 'Postleitzahl', fr: 'Code postal'},
  mailingcountry: {en: 'Country', de: 'Land', fr: 'Pays'},
  _hc_lastop: {en: 'Last Heroku Connect sync', de: 'Letzter Abgleich durch Heroku Connect', fr: 'Dernière synchronisation Heroku Connect'},
  _hc_err: {en: 'Heroku Connect sync error', de: 'Abgleichsfehler von Heroku Connect', fr: 'Erreur de synchronisation Heroku Connect'},
}

/** Names most apps use, so a page in German or French does not fall back to English column names. */
const COMMON_LABELS: Labels = {
  id: {en: 'Id', de: 'ID', fr: 'Identifiant'},
  email: {en: 'Email', de: 'E-Mail', fr: 'E-mail'},
  phone: {en: 'Phone', de: 'Telefon', fr: 'Téléphone'},
  full_name: {en: 'Full name', de: 'Vollständiger Name', fr: 'Nom complet'},
  name: {en: 'Name', de: 'Name', fr: 'Nom'},
  created_at: {en: 'Created', de: 'Angelegt', fr: 'Créé'},
  updated_at: {en: 'Updated', de: 'Geändert', fr: 'Modifié'},
  date_of_birth: {en: 'Date of birth', de: 'Geburtsdatum', fr: 'Date de naissance'},
}

/** `full_name` → "Full name"; `public.support_tickets` → "Support tickets". */
export function humanName(name: string): string {
  const last = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : name
  const words = last
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

/** What a person reads for a column: the map's label, else a known Connect or common name, else the name made readable. */
export function columnLabel(spec: TableMap | undefined, column: string, locale: Locale): string {
  const own = textIn(spec?.columns?.[column]?.label, locale)
  if (own) return own
  const known = (spec?.connect ? CONNECT_LABELS[column.toLowerCase()] : undefined) ?? COMMON_LABELS[column.toLowerCase()]
  return known?.[locale] ?? humanName(column)
}

export function tableLabel(spec: TableMap | undefined, key: string, locale: Locale): string {
  return textIn(spec?.label, locale) ?? humanName(key)
}
