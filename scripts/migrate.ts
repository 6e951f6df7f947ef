// Applies pending migrations to DATABASE_URL (the service also does this at start).
import { loadConfig } from '../src/config.js'
import { connectDatabase } from '../src/db/connect.js'
import { migrateToLatest } from '../src/db/migrate.js'

const config = loadConfig(process.env)
const database = connectDatabase(config.database)
await migrateToLatest(database.db)
await database.close()
console.log(`migrated ${config.database.dialect} database to the latest schema`)
