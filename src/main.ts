import { buildApp } from './app.js'
import { ConfigError, loadConfig } from './config.js'
import { resolveSecretKey } from './secret-key-file.js'
import { connectDatabase } from './db/connect.js'
import { migrateToLatest } from './db/migrate.js'
import { createEmailDispatcher, type EmailDispatcher } from './email/email-dispatcher.js'
import { createDevMailbox, createSmtpMailer } from './email/mailer.js'
import { ensureFirstStart } from './first-start.js'
import { expireInvitations } from './jobs/expire-invitations.js'
import { pruneRateLimits } from './db/rate-limit-counters.js'
import { startScheduler } from './jobs/scheduler.js'
import { systemClock } from './lib/clock.js'
import { createServices } from './services.js'

/**
 * One scheduler tick keeps claiming batches while they come back full, so a burst of invitations
 * is mailed at the transport's pace rather than one batch per poll interval; bounded per tick.
 */
async function drainOutbox(
  dispatcher: EmailDispatcher,
  batchSize = 50,
  maxPerTick = 2000,
): Promise<number> {
  let sent = 0
  for (;;) {
    const delivered = await dispatcher.dispatchDue(batchSize)
    sent += delivered
    if (delivered < batchSize || sent >= maxPerTick) return sent
  }
}

async function main(): Promise<void> {
  const loaded = loadConfig(process.env)
  const config = Object.freeze({ ...loaded, secretKey: resolveSecretKey(loaded) })
  const database = connectDatabase(config.database)
  await migrateToLatest(database.db)
  await database.optimize()
  const clock = systemClock
  const services = createServices({ database, clock, config })
  const app = await buildApp({ config, services })

  const firstStart = await ensureFirstStart(
    { db: database.db, dialect: database.dialect, clock },
    { bootstrapToken: config.bootstrapToken },
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
  const scheduler = startScheduler(
    [
      {
        name: 'expire-invitations',
        intervalMs: config.sweepIntervalMs,
        run: () => expireInvitations({ db: database.db, clock, dialect: database.dialect }),
      },
      {
        name: 'optimize-database',
        intervalMs: 60 * 60_000,
        run: async () => (await database.optimize(), 0),
      },
      ...(database.dialect === 'postgres'
        ? [
            {
              name: 'prune-rate-limits',
              intervalMs: 60_000,
              run: () => pruneRateLimits({ db: database.db, clock }),
            },
          ]
        : []),
      {
        name: 'dispatch-email',
        intervalMs: config.mailPollIntervalMs,
        run: () => drainOutbox(dispatcher),
      },
    ],
    app.log,
  )

  await app.listen({ port: config.port, host: config.host })
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

  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down')
    await app.close()
    await scheduler.stop()
    await database.close()
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
