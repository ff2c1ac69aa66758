/**
 * A small app shaped like real ones, for searching people: quoted camelCase
 * names, a unique index instead of a constraint, a domain over text, jsonb
 * nested several levels, text[] and inet[], a partitioned table, a table
 * without a primary key, an audit log with no foreign key that the map does
 * not link, other people's free text that mentions Alice, values that only
 * look like hers, and a value she shares with Bob (a team address), which
 * names neither of them.
 */
export const ALICE = {
  id: 1,
  email: 'Alice.Moeller@Example.com',
  name: 'Alice Müller',
  phone: '+44 20 7946 0958',
  ip: '203.0.113.7',
  workEmail: 'alice.work@example.net',
} as const

/** Her values as they are written in the rows; none may show up in any output the user did not ask for. */
export const ALICE_VALUES = [ALICE.email, ALICE.name, ALICE.phone, '7946 0958', ALICE.ip, ALICE.workEmail]

export const APP_SCHEMA = `
  CREATE DOMAIN email_address AS text;
  CREATE TABLE "Accounts" (
    "accountId" bigint PRIMARY KEY, "Email" email_address NOT NULL, "fullName" text, "phoneNumber" varchar(32),
    "lastSignInIp" inet, "signupCountry" char(2), "createdAt" timestamptz NOT NULL DEFAULT now());
  CREATE UNIQUE INDEX "Accounts_email_key" ON "Accounts" (lower("Email"));
  CREATE TABLE "Profiles" ("accountId" bigint NOT NULL REFERENCES "Accounts", "settings" jsonb, "otherEmails" text[], "knownIps" inet[]);
  CREATE TABLE "SupportNotes" ("noteId" serial PRIMARY KEY, "accountId" bigint REFERENCES "Accounts", "body" text);
  CREATE TABLE "Events" ("accountId" bigint NOT NULL, "kind" text, "detail" jsonb) PARTITION BY HASH ("accountId");
  CREATE TABLE "Events_0" PARTITION OF "Events" FOR VALUES WITH (MODULUS 2, REMAINDER 0);
  CREATE TABLE "Events_1" PARTITION OF "Events" FOR VALUES WITH (MODULUS 2, REMAINDER 1);
  CREATE TABLE audit_log ("at" timestamptz NOT NULL DEFAULT now(), "actor" text, "event" jsonb, "raw" json, "ip" inet);
  CREATE TABLE "Counters" ("id" int, "n" int);

  INSERT INTO "Accounts" VALUES
    (1, '${ALICE.email}', '${ALICE.name}', '${ALICE.phone}', '${ALICE.ip}', 'GB'),
    (2, 'bob@example.org', 'Bob Builder', '+1 415 555 0100', '198.51.100.4', 'US'),
    (3, 'malice.moeller@example.com', 'Alice Müllers', '+44 20 7946 09581', '203.0.113.70', 'GB');
  INSERT INTO "Profiles" VALUES
    (1, '{"contact": {"email": "alice.moeller@example.com", "phones": ["020 7946 0958"]}, "theme": "dark"}', ARRAY['${ALICE.workEmail}', 'team@example.com'], ARRAY['${ALICE.ip}']::inet[]),
    (2, '{"contact": {"email": "bob@example.org"}, "friends": [{"name": "Alice  Müller", "since": 2021}]}', ARRAY['bob@work.example', 'team@example.com'], NULL),
    (3, '{"note": "malice.moeller@example.com", "alias": "Alice"}', ARRAY['alice.moeller@example.com.au'], ARRAY['203.0.113.70']::inet[]);
  INSERT INTO "SupportNotes" ("accountId", "body") VALUES
    (1, 'Please call me on 020 7946 0958.'),
    (2, 'Spoke with ALICE.MOELLER@EXAMPLE.COM about her refund'),
    (3, 'malice.moeller@example.com, alice.moeller@example.com.au, 203.0.113.70 and Alice Müllers wrote; Alice called');
  INSERT INTO "Events" VALUES (1, 'login', '{"ip": "${ALICE.ip}"}'), (2, 'login', '{"ip": "198.51.100.4"}'), (3, 'login', '{"ip": "203.0.113.70"}');
  INSERT INTO audit_log ("actor", "event", "raw", "ip") VALUES
    ('alice.moeller@example.com', '{"action": "login"}', NULL, '${ALICE.ip}'),
    ('system', '{"target": {"before": {"email": "alice.moeller@example.com"}}}', NULL, NULL),
    ('system', NULL, '{"who": "Alice M\\u00fcller"}', NULL),
    ('system', '{"path": "/users?email=alice.moeller%40example.com"}', NULL, NULL),
    ('bob@example.org', '{"action": "login"}', NULL, '198.51.100.4'),
    ('system', '{"x": "malice.moeller@example.com", "y": "+44 20 7946 09581"}', NULL, '203.0.113.70');
  INSERT INTO "Counters" VALUES (1, 2);
`

export const APP_MAP = `version: 1
subject:
  table: public.Accounts
  key: accountId
  lookup: [Email, accountId]
tables:
  public.Accounts:
    erase: delete
    columns:
      Email: { category: contact, erase: redact }
      fullName: { category: identity, erase: redact }
      phoneNumber: { category: contact, erase: redact }
      lastSignInIp: { category: online_id, erase: "null" }
      signupCountry: { category: location, erase: "null" }
      createdAt: { category: none }
  public.Profiles:
    via: { column: accountId, to: public.Accounts.accountId }
    erase: delete
    columns:
      settings: { category: contact }
      otherEmails: { category: contact }
      knownIps: { category: online_id }
  public.SupportNotes:
    via: { column: accountId, to: public.Accounts.accountId }
    erase: delete
    columns:
      body: { category: free_text }
  public.Events:
    via: { column: accountId, to: public.Accounts.accountId }
    erase: delete
`
