import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import { AppError } from '../errors.js'
import { ICON_ROUTE, findIcon } from './icon-store.js'

/** Serves stored images; public, like the `…/icon` redirects that point here (decision 19). */
export async function iconRoutes(
  app: FastifyInstance,
  deps: { db: Kysely<Database> },
): Promise<void> {
  app.get(
    `${ICON_ROUTE}/:iconId`,
    {
      schema: {
        params: Type.Object({ iconId: Type.String({ pattern: '^[0-9a-f]{32}$' }) }),
        response: {
          200: {
            description: 'The stored image (PNG, JPEG, GIF or WebP).',
            content: Object.fromEntries(
              ['image/png', 'image/jpeg', 'image/gif', 'image/webp'].map((type) => [
                type,
                { schema: { type: 'string', format: 'binary' } },
              ]),
            ),
          },
        },
      },
      config: { auth: 'public', notFound: 'ROUTE_NOT_FOUND' },
    },
    async (request, reply) => {
      const icon = await findIcon(deps.db, (request.params as { iconId: string }).iconId)
      if (!icon) throw new AppError('ROUTE_NOT_FOUND', { detail: 'No such icon.' })
      // Content-addressed: an icon path never changes its bytes.
      return reply
        .type(icon.content_type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .send(Buffer.from(icon.data))
    },
  )
}

/** `GET …/{id}/icon`: 307 to the stored image, 404 when the object has none. */
export function redirectToIcon(reply: FastifyReply, icon: string | null, notFound: AppError) {
  if (!icon) throw notFound
  return reply.code(307).header('location', icon).send()
}
