import Fastify, { type FastifyInstance } from 'fastify'
import { metricsRoute } from './metrics-routes.js'
import type { Metrics } from './metrics.js'

/** The listener on METRICS_PORT: only `/metrics`, open to whoever reaches that port. */
export async function buildMetricsServer(metrics: Metrics): Promise<FastifyInstance> {
  const server = Fastify({ logger: false })
  await metricsRoute(server, { metrics })
  return server
}
