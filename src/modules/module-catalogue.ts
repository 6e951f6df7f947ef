/** The module catalogue the first start seeds (ids the official SDK's suite uses, §1.1). */
export interface CatalogueModule {
  id: string
  name: string
  code: string
  description: string
  paid: boolean
  isConfigurable: boolean
  isEnabledByDefault: boolean
  /** group-level buyer filters: only Marketplace can restrict a group to selected buyers (§7) */
  filters: Record<string, string[]>
  accountTypes: Array<'Client' | 'Vendor' | 'Operations'>
  /** `settings.obsolete`: the module is being retired (none of the catalogue is) */
  obsolete: boolean
  /** `settings.eligibility`: whether the module may be granted in multi- and single-account setups */
  eligibility: { multi: boolean; single: boolean }
}

/** What every module of the catalogue has in common. */
const CURRENT = { obsolete: false, eligibility: { multi: true, single: true } }

const ALL = ['Client', 'Vendor', 'Operations'] as const

export const MODULE_CATALOGUE: CatalogueModule[] = [
  {
    id: 'MOD-0478',
    name: 'Marketplace',
    code: 'marketplace',
    description: 'Browse the catalog, order products and manage agreements and subscriptions.',
    paid: false,
    isConfigurable: true,
    isEnabledByDefault: true,
    filters: { 'group.buyers': ['selected', 'all'] },
    accountTypes: ['Client', 'Operations'],
    ...CURRENT,
  },
  {
    id: 'MOD-1756',
    name: 'Access Management',
    code: 'access-management',
    description: 'Manage users, user groups and API tokens of the account.',
    paid: false,
    isConfigurable: true,
    isEnabledByDefault: true,
    filters: { 'group.buyers': ['all'] },
    accountTypes: [...ALL],
    ...CURRENT,
  },
  {
    id: 'MOD-9042',
    name: 'Account Management',
    code: 'account-management',
    description: 'Manage the account, its buyers and its settings.',
    paid: false,
    isConfigurable: true,
    isEnabledByDefault: true,
    filters: { 'group.buyers': ['all'] },
    accountTypes: [...ALL],
    ...CURRENT,
  },
  {
    id: 'MOD-1239',
    name: 'Billing',
    code: 'billing',
    description: 'Statements, invoices and journals.',
    paid: false,
    isConfigurable: true,
    isEnabledByDefault: false,
    filters: { 'group.buyers': ['all'] },
    accountTypes: [...ALL],
    ...CURRENT,
  },
  {
    id: 'MOD-4525',
    name: 'Catalog Management',
    code: 'catalog-management',
    description: 'Publish and maintain products, items and price lists.',
    paid: false,
    isConfigurable: true,
    isEnabledByDefault: false,
    filters: { 'group.buyers': ['all'] },
    accountTypes: ['Vendor', 'Operations'],
    ...CURRENT,
  },
  {
    id: 'MOD-8352',
    name: 'Helpdesk',
    code: 'helpdesk',
    description: 'Raise and follow support cases.',
    paid: false,
    isConfigurable: true,
    isEnabledByDefault: false,
    filters: { 'group.buyers': ['all'] },
    accountTypes: [...ALL],
    ...CURRENT,
  },
  {
    id: 'MOD-8743',
    name: 'Spotlight',
    code: 'spotlight',
    description: 'Insights and recommendations on spend and usage.',
    paid: true,
    isConfigurable: true,
    isEnabledByDefault: false,
    filters: { 'group.buyers': ['all'] },
    accountTypes: ['Client', 'Operations'],
    ...CURRENT,
  },
]
