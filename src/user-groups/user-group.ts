import type { ActorRef } from '../access/actor.js'
import type { AccountRef, BuyerRef, ModuleRef } from '../account-users/account-user.js'

/** The module whose `filters["group.buyers"]` offers `selected`: the only one a buyer list restricts (§7). */
export const MARKETPLACE_MODULE_ID = 'MOD-0478'

export interface UserGroup {
  id: string
  accountId: string
  name: string
  description: string | null
  logo: string | null
  isDefault: boolean
  account: AccountRef
  modules: ModuleRef[]
  /** null: every buyer of the account (`buyers: null` on the wire) */
  buyers: BuyerRef[] | null
  createdAt: Date
  createdBy: ActorRef | null
  updatedAt: Date | null
  updatedBy: ActorRef | null
}
