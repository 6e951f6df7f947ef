import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { resolveSecretKey } from './secret-key-file.js'
import { connectDatabase } from './db/connect.js'
import { migrateToLatest } from './db/migrate.js'
import { createEmailDispatcher } from './email/email-dispatcher.js'
import { createDevMailbox, createSmtpMailer } from './email/mailer.js'
import { ensureFirstStart } from './first-start.js'
import { ensureBootstrapAdmin } from './sessions/bootstrap-admin.js'
import { buildJobs } from './jobs/jobs.js'
import { createWebhookDispatcher } from './webhooks/webhook-dispatcher.js'
import { startThreadedSender } from './webhooks/webhook-sender-thread.js'
import { startScheduler } from './jobs/scheduler.js'
import { systemClock } from './lib/clock.js'
import { createLifecycle } from './lib/lifecycle.js'
import { logDestination } from './lib/log-destination.js'
import { createMetrics } from './metrics/metrics.js'
import { buildMetricsServer } from './metrics/metrics-server.js'
import { createServices } from './services.js'

async function main(): Promise<void> {
  const loaded = loadConfig(process.env)
  const config = Object.freeze({ ...loaded, secretKey: resolveSecretKey(loaded) })
  const database = connectDatabase(config.database)
  await migrateToLatest(database.db)
  await database.optimize()
  const clock = systemClock
  const services = createServices({ database, clock, config })
  const lifecycle = createLifecycle()
  const metrics = createMetrics({ db: database.db, clock, poolStats: database.poolStats })
  const app = await buildApp({
    config,
    services,
    lifecycle,
    logger: { stream: logDestination(config.logFormat, process.stdout) },
    metrics: { metrics, token: config.metricsPort ? undefined : config.metricsToken },
  })

  const firstStart = await ensureFirstStart(
    { db: database.db, dialect: database.dialect, clock },
    { bootstrapToken: config.bootstrapToken },
  )

  const admin = await ensureBootstrapAdmin(
    { db: database.db, dialect: database.dialect, clock },
    {
      email: config.bootstrapAdminEmail,
      operationsAccountId: firstStart.operationsAccountId,
      groupId: firstStart.defaultGroupId,
      publicUrl: config.publicUrl,
    },
  )

  const mailer = config.smtpUrl
    ? createSmtpMailer(config.smtpUrl)
    : createDevMailbox({ dir: config.mailDir, logger: app.log, clock })
  const dispatcher = createEmailDispatcher({
    db: database.db,
    box: services.box,
    clock,
    mailer,
    logger: app.log,
    config,
  })
  // Deliveries are sent from a thread of their own (the HTTP client's work off the event loop).
  const webhookSender = startThreadedSender({
    policy: services.webhookAddressOptions,
    timeoutMs: config.webhookTimeoutMs,
    userAgent: `${config.productName} webhooks`,
  })
  const webhookDispatcher = createWebhookDispatcher({
    db: database.db,
    box: services.box,
    clock,
    logger: app.log,
    templates: services.templates,
    send: webhookSender.send,
    config,
  })
  const scheduler = startScheduler(
    buildJobs({
      database,
      clock,
      config,
      dispatcher,
      webhookDispatcher,
      remindInvitations: () => services.invitations.sendReminders(),
      metrics,
      isStopping: lifecycle.isDraining,
      pruneSessions: () => services.sessions.pruneEnded(),
    }),
    app.log,
  )

  await app.listen({ port: config.port, host: config.host })
  let metricsServer: FastifyInstance | undefined
  if (config.metricsPort) {
    metricsServer = await buildMetricsServer(metrics)
    await metricsServer.listen({ port: config.metricsPort, host: config.metricsHost })
    app.log.info({ port: config.metricsPort }, 'metrics listening on their own port')
  } else if (!config.metricsToken) {
    app.log.info('metrics are off: set METRICS_PORT or METRICS_TOKEN to serve /metrics')
  }
  const base = `http://localhost:${config.port}`
  if (firstStart.created) {
    const token = firstStart.generatedCredential
    // Printed once, to the terminal only: the secret is stored as a hash and cannot be shown again.
    process.stdout.write(
      [
        '',
        'First start: created the Operations account ' +
          firstStart.operationsAccountId +
          ' and its API token ' +
          firstStart.tokenId +
          '.',
        token
          ? `Operations API token (shown once, keep it safe):\n\n  ${token}\n`
          : 'Operations API token: the one given in BOOTSTRAP_TOKEN.',
        'Try it:',
        `  export TOKEN='${token ?? '<your BOOTSTRAP_TOKEN>'}'`,
        `  curl -s ${base}/public/v1/accounts/user-groups -H "Authorization: Bearer $TOKEN"`,
        `  curl -s ${base}/public/v1/accounts/${firstStart.operationsAccountId}/users -H "Authorization: Bearer $TOKEN" \\`,
        `    -H 'Content-Type: application/json' -d '{"user":{"email":"ada@example.com","firstName":"Ada","lastName":"Lovelace"},"groups":[{"id":"${firstStart.defaultGroupId}"}]}'`,
        `  ls ${config.smtpUrl ? '(emails go to SMTP_URL)' : config.mailDir}`,
        '',
      ].join('\n'),
    )
  } else {
    app.log.info(
      { operationsAccountId: firstStart.operationsAccountId },
      'database already initialised',
    )
  }
  if (admin.setupUrl) {
    // Printed to the terminal only: the link is stored as a hash, and a restart prints a new one.
    process.stdout.write(
      [
        '',
        `Console: ${config.publicUrl}/ (sign in as ${admin.email}, an administrator of the Operations account).`,
        `Choose their password first: this link works once, for 1 hour (until ${admin.setupExpiresAt?.toISOString().slice(11, 16)} UTC);`,
        'a restart before a password is set prints a new one.',
        '',
        `  ${admin.setupUrl}`,
        '',
      ].join('\n'),
    )
  }

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    // Readiness fails at once, so a load balancer still probing sends nothing new here.
    lifecycle.startDraining()
    app.log.info({ signal, timeoutMs: config.shutdownTimeoutMs }, 'shutting down')
    const bound = setTimeout(() => {
      app.log.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown took too long; exiting')
      void dispatcher.releaseClaims().finally(() => process.exit(1))
    }, config.shutdownTimeoutMs)
    bound.unref()
    dispatcher.stop()
    webhookDispatcher.stop()
    // Stop accepting, let in-flight requests answer, and let each job finish its current batch.
    await Promise.all([app.close(), scheduler.stop()])
    await webhookSender.close()
    await dispatcher.releaseClaims()
    await metricsServer?.close()
    await database.close()
    clearTimeout(bound)
    app.log.info('stopped')
    process.exit(0)
  }
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`)
    process.exit(2)
  }
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`)
  process.exit(1)
})
