// Reverts the most recent migration of DATABASE_URL.
import { loadConfig } from '../src/config.js'
import { connectDatabase } from '../src/db/connect.js'
import { rollbackLast } from '../src/db/migrate.js'

const config = loadConfig(process.env)
const database = connectDatabase(config.database)
await rollbackLast(database.db)
await database.close()
console.log(`rolled back the last migration of the ${config.database.dialect} database`)
