import { isOperations, type Actor } from '../access/actor.js'
import { auditEvent } from '../lib/audit-event.js'
import { erpLinkName, type ErpLink } from './erp-link.js'
import {
  ERP_LINK_FIELDS,
  ERP_LINK_FIELDS_WITH_NOTE,
  ERP_LINK_OUTPUT,
  ERP_LINK_OUTPUT_WITHOUT_NOTE,
} from './erp-link-fields.js'

/** What the actor may see and filter of a link: `note` is Operations-only (§11.4). */
export function erpLinkView(actor: Actor) {
  const ops = isOperations(actor)
  return {
    fields: ops ? ERP_LINK_FIELDS_WITH_NOTE : ERP_LINK_FIELDS,
    spec: {
      fields: ops ? ERP_LINK_OUTPUT : ERP_LINK_OUTPUT_WITHOUT_NOTE,
      omittedByDefault: ['audit'],
    },
    present: (link: ErpLink) => presentErpLink(link, { withNote: ops }),
  }
}

export function presentErpLink(
  link: ErpLink,
  options: { withNote: boolean },
): Record<string, unknown> {
  return {
    id: link.id,
    name: erpLinkName(link.buyer.name, link.seller.name),
    icon: link.icon,
    status: link.status,
    buyer: { id: link.buyer.id, name: link.buyer.name, icon: link.buyer.icon },
    seller: link.seller,
    externalIds: link.externalIds,
    address: link.address,
    ...(options.withNote ? { note: link.note } : {}),
    audit: {
      created: auditEvent(link.createdAt, link.createdBy),
      ...(link.updatedAt ? { updated: auditEvent(link.updatedAt, link.updatedBy) } : {}),
      ...link.statusEvents,
    },
  }
}
