import type { FastifyInstance } from 'fastify'
import type { AccountService } from './account-service.js'

// TODO(#5): the accounts endpoints.
export async function accountRoutes(_app: FastifyInstance, _services: { accounts: AccountService }): Promise<void> {}
