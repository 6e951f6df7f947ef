import type { FastifyInstance } from 'fastify'
import type { UserService } from './user-service.js'

// TODO(#5): the users endpoints.
export async function userRoutes(_app: FastifyInstance, _services: { users: UserService }): Promise<void> {}
