import type {SimAddon, SimApp, SimAttachment, SimCollaborator, SimDrain, SimSpace, SimTeamMember, SimTransfer} from './model.js'
import type {HerokuSimulator} from './simulator.js'
import {attachmentConfigVars} from './private-network.js'

/** JSON bodies in the shapes the Platform and Data APIs return. */

const ref = (app: SimApp) => ({id: app.id, name: app.name})

export function appJson(sim: HerokuSimulator, app: SimApp) {
  const space = app.spaceId ? sim.spaces.find(s => s.id === app.spaceId) : undefined
  return {
    acm: false,
    archived_at: null,
    buildpack_provided_description: 'Node.js',
    build_stack: {id: '00000000-0000-4000-8000-000000000024', name: 'heroku-24'},
    created_at: app.createdAt,
    generation: {id: '00000000-0000-4000-8000-00000000000' + (app.generation === 'fir' ? '2' : '1'), name: app.generation},
    git_url: `https://git.heroku.com/${app.name}.git`,
    id: app.id,
    internal_routing: space ? false : null,
    maintenance: false,
    name: app.name,
    owner: {email: app.ownerEmail, id: sim.account.id},
    organization: app.team ? {id: app.id, name: app.team} : null,
    team: app.team ? {id: app.id, name: app.team} : null,
    region: {id: `00000000-0000-4000-8000-0000000000${app.region === 'eu' ? '02' : '01'}`, name: app.region},
    released_at: app.createdAt,
    repo_size: null,
    slug_size: 52_428_800,
    space: space ? {id: space.id, name: space.name, shield: space.shield} : null,
    stack: {id: '00000000-0000-4000-8000-000000000024', name: 'heroku-24'},
    updated_at: app.createdAt,
    web_url: `https://${app.name}.herokuapp.com/`,
  }
}

export function addonJson(sim: HerokuSimulator, addon: SimAddon) {
  const app = sim.appById(addon.appId)
  const vars = sim.attachments.filter(a => a.addonId === addon.id && a.appId === addon.appId).map(a => `${a.name}_URL`)
  return {
    actions: [],
    addon_service: {id: '00000000-0000-4000-8000-0000000000a1', name: addon.plan.split(':')[0]},
    billing_entity: {id: app.id, name: app.name, type: 'app'},
    app: ref(app),
    billed_price: {cents: 5000, contract: false, unit: 'month'},
    config_vars: vars,
    created_at: addon.createdAt,
    id: addon.id,
    name: addon.name,
    plan: {id: '00000000-0000-4000-8000-0000000000b1', name: addon.plan, price: {cents: 5000, unit: 'month'}},
    provider_id: addon.id,
    provision_message: null,
    state: addon.state,
    updated_at: addon.createdAt,
    web_url: `https://data.heroku.com/datastores/${addon.id}`,
  }
}

export function attachmentJson(sim: HerokuSimulator, attachment: SimAttachment) {
  const app = sim.appById(attachment.appId)
  const addon = sim.addonById(attachment.addonId)
  return {
    addon: {id: addon.id, name: addon.name, app: ref(sim.appById(addon.appId)), plan: {id: '00000000-0000-4000-8000-0000000000b1', name: addon.plan}},
    app: ref(app),
    config_vars: attachmentConfigVars(sim, attachment),
    created_at: attachment.createdAt,
    id: attachment.id,
    name: attachment.name,
    namespace: attachment.namespace,
    updated_at: attachment.createdAt,
    web_url: `https://data.heroku.com/datastores/${addon.id}`,
    log_input_url: null,
  }
}

export function drainJson(app: SimApp, drain: SimDrain) {
  return {addon: null, app: ref(app), created_at: drain.createdAt, id: drain.id, token: drain.token, updated_at: drain.createdAt, url: drain.url}
}

export function collaboratorJson(app: SimApp, collaborator: SimCollaborator) {
  return {
    app: ref(app),
    created_at: app.createdAt,
    id: collaborator.id,
    permissions: collaborator.permissions.map(name => ({name, description: name})),
    role: collaborator.role,
    updated_at: app.createdAt,
    // The published schema's collaborator user has no two-factor status: GET /teams/{team}/members does.
    user: {email: collaborator.email, federated: collaborator.federated, id: collaborator.id},
  }
}

export function teamMemberJson(member: SimTeamMember) {
  const id = `00000000-0000-4000-8000-${Buffer.from(member.email).toString('hex').padEnd(12, '0').slice(0, 12)}`
  return {
    created_at: new Date(0).toISOString(),
    email: member.email,
    federated: member.federated,
    id,
    identity_provider: null,
    role: member.role,
    two_factor_authentication: member.twoFactor,
    updated_at: new Date(0).toISOString(),
    user: {email: member.email, id, name: member.email.split('@')[0]},
  }
}

export function releaseJson(sim: HerokuSimulator, app: SimApp, version: number, description: string) {
  return {
    addon_plan_names: sim.addons.filter(a => a.appId === app.id && a.state === 'provisioned').map(a => a.plan),
    artifacts: [],
    app: ref(app),
    created_at: app.createdAt,
    description,
    id: `00000000-0000-4000-8000-${app.id.slice(-8)}000${version}`,
    updated_at: app.createdAt,
    slug: null,
    status: 'succeeded',
    user: {email: sim.account.email, id: sim.account.id},
    version,
    current: version === 2,
    output_stream_url: null,
    eligible_for_rollback: version !== 2,
  }
}

export function spaceJson(space: SimSpace) {
  return {
    created_at: new Date(0).toISOString(),
    id: space.id,
    name: space.name,
    organization: {name: 'acme'},
    team: {id: space.id, name: 'acme'},
    region: {id: space.id, name: space.region},
    shield: space.shield,
    state: 'allocated',
    updated_at: new Date(0).toISOString(),
    cidr: '10.0.0.0/16',
    data_cidr: '172.23.0.0/20',
    generation: 'cedar',
    log_drain_url: space.logDrainUrl,
  }
}

export function transferName(transfer: SimTransfer): string {
  return `${transfer.toType === 'pg_restore' ? 'r' : transfer.scheduled ? 'a' : 'b'}${String(transfer.num).padStart(3, '0')}`
}

export function transferJson(sim: HerokuSimulator, transfer: SimTransfer, verbose = false) {
  return {
    uuid: transfer.uuid,
    num: transfer.num,
    from_name: transfer.fromName,
    from_type: transfer.fromType,
    from_url: 'postgres://***',
    to_name: transfer.toType === 'pg_restore' ? transfer.toName : transferName(transfer),
    to_type: transfer.toType,
    to_url: `${sim.url}/sim/backups/${transfer.uuid}`,
    options: {snapshot: transfer.method},
    source_bytes: transfer.processedBytes,
    processed_bytes: transfer.processedBytes,
    succeeded: transfer.succeeded,
    warnings: 0,
    created_at: transfer.createdAt,
    started_at: transfer.startedAt,
    canceled_at: null,
    updated_at: transfer.finishedAt ?? transfer.createdAt,
    finished_at: transfer.finishedAt,
    deleted_at: transfer.deletedAt,
    purged_at: null,
    num_keep: 25,
    schedule: transfer.scheduled ? {uuid: transfer.uuid} : null,
    ...(verbose ? {logs: transfer.error ? [{created_at: transfer.finishedAt, level: 'error', message: transfer.error}] : []} : {}),
  }
}
