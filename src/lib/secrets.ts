import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  randomBytes,
  randomInt,
  scrypt,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto'
import { createSemaphore } from './semaphore.js'

export { SemaphoreFullError as PasswordWorkBusyError } from './semaphore.js'

/** A fresh random secret, base64 (standard alphabet) of `bytes` random bytes. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64')
}

/** Constant-time string comparison (lengths are compared on digests, so they leak nothing). */
export function secretsEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest()
  const db = createHash('sha256').update(b).digest()
  return timingSafeEqual(da, db)
}

/**
 * API token secrets are 32 random bytes, so a single SHA-256 is a sufficient one-way hash
 * (no dictionary to defend against) and keeps authentication cheap on every request.
 */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64')
}

export function tokenSecretMatches(secret: string, storedHash: string): boolean {
  return secretsEqual(hashTokenSecret(secret), storedHash)
}

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key))),
  )
}

/** How many scrypt computations (16 MiB and ~50 ms of CPU each) run at once in this process. */
export const PASSWORD_WORK_CONCURRENCY = 2
/**
 * Password hashing and checking, process-wide, run at most PASSWORD_WORK_CONCURRENCY at a time
 * (the libuv pool has 4 threads, the machine maybe 2 cores: unbounded, a burst of scrypt calls
 * queues everything else that needs the pool and every core). At most 64 wait; beyond that
 * hashPassword and verifyPassword throw PasswordWorkBusyError, which callers answer with 429.
 * Callers check everything cheap (codes, policies) first, so only real work reaches this.
 */
const passwordWork = createSemaphore({ concurrency: PASSWORD_WORK_CONCURRENCY, maxQueued: 64 })

/** Counters of the password work (tests and the bench read them). */
export function passwordWorkStats() {
  return passwordWork.stats()
}

/** Passwords are people's choices, so they get a slow salted KDF: `scrypt$N$r$p$salt$hash`. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await passwordWork.run(() => scryptAsync(password, salt, SCRYPT.keylen, SCRYPT))
  return [
    'scrypt',
    SCRYPT.N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString('base64'),
    key.toString('base64'),
  ].join('$')
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64')
  const key = await passwordWork.run(() =>
    scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, {
      N: Number(n),
      r: Number(r),
      p: Number(p),
    }),
  )
  return timingSafeEqual(key, expected)
}

/**
 * Authenticated encryption for secrets that must be shown again (invitation links, queued
 * emails): AES-256-GCM, a random 96-bit nonce per value, `v1.<nonce>.<tag>.<ciphertext>`.
 */
export interface SecretBox {
  seal(plain: string): string
  open(sealed: string): string
  /**
   * A keyed digest (HMAC-SHA-256 under a key derived from the secret key and `purpose`) of a
   * short-lived secret that is only ever compared, never shown again (one-time codes): unlike a
   * plain hash, a copy of the database alone does not let anyone try all the values offline.
   */
  digest(purpose: string, value: string): string
}

/** A one-time code of `digits` decimal digits, uniformly random. */
export function randomDigits(digits: number): string {
  return String(randomInt(0, 10 ** digits)).padStart(digits, '0')
}

/**
 * Seals with `secretKey`; opens with it or, while a rotation runs, with one of `previousKeys`
 * (AES-GCM's tag tells a wrong key apart, so trying each is safe).
 */
export function createSecretBox(
  secretKey: string,
  previousKeys: readonly string[] = [],
): SecretBox {
  const [current, ...previous] = [secretKey, ...previousKeys].map(keyOf)
  return {
    // One-time codes live 15 minutes: digested under the current key only (a rotation voids the
    // few pending ones, which the invitee simply asks for again).
    digest(purpose, value) {
      const purposeKey = createHmac('sha256', current!).update(`digest:${purpose}`).digest()
      return createHmac('sha256', purposeKey).update(value).digest('base64')
    },
    seal: (plain) => seal(current!, plain),
    open(sealed) {
      try {
        return open(current!, sealed)
      } catch (error) {
        for (const key of previous) {
          try {
            return open(key, sealed)
          } catch {
            // not sealed with this one either
          }
        }
        throw error
      }
    },
  }
}

// The key may be any string of sufficient entropy; SHA-256 stretches it to 32 bytes.
const keyOf = (secretKey: string) => createHash('sha256').update(secretKey).digest()

function seal(key: Buffer, plain: string): string {
  const nonce = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, nonce)
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
  const tag = cipher.getAuthTag()
  return ['v1', nonce.toString('base64'), tag.toString('base64'), body.toString('base64')].join('.')
}

function open(key: Buffer, sealed: string): string {
  const [version, nonce, tag, body] = sealed.split('.')
  if (version !== 'v1' || !nonce || !tag || body === undefined)
    throw new Error('malformed sealed value')
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(nonce, 'base64'))
  decipher.setAuthTag(Buffer.from(tag, 'base64'))
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString(
    'utf8',
  )
}
