import type { FastifyInstance } from 'fastify'
import type { BuyerService } from './buyer-service.js'

// TODO(#5): the buyers endpoints.
export async function buyerRoutes(_app: FastifyInstance, _services: { buyers: BuyerService }): Promise<void> {}
