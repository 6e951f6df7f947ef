import { type FieldMap, dateColumn, textColumn } from '../rql/rql-fields.js'
import { DELIVERY_STATUSES, WEBHOOK_EVENT_TYPES } from './webhook.js'

export const WEBHOOK_FIELDS: FieldMap = {
  id: textColumn('w.id'),
  url: textColumn('w.url'),
  description: textColumn('w.description'),
  status: { ...textColumn('w.status'), values: ['Enabled', 'Disabled'] },
  'account.id': textColumn('w.account_id'),
  'account.name': textColumn('a.name'),
  'audit.created.at': dateColumn('w.created_at'),
  'audit.updated.at': dateColumn('w.updated_at'),
}

export const WEBHOOK_OUTPUT = [
  'id',
  'url',
  'events',
  'description',
  'status',
  'disabledReason',
  'account',
  'audit',
]

export const DELIVERY_FIELDS: FieldMap = {
  status: { ...textColumn('d.status'), values: DELIVERY_STATUSES },
  'event.id': textColumn('d.event_id'),
  'event.type': { ...textColumn('d.event_type'), values: WEBHOOK_EVENT_TYPES },
  createdAt: dateColumn('d.created_at'),
  lastAttemptAt: dateColumn('d.last_attempt_at'),
  deliveredAt: dateColumn('d.delivered_at'),
}

export const DELIVERY_OUTPUT = [
  'id',
  'event',
  'status',
  'attempts',
  'responseStatus',
  'durationMs',
  'error',
  'createdAt',
  'lastAttemptAt',
  'nextAttemptAt',
  'deliveredAt',
  'redeliveryOf',
]
