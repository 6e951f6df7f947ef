/**
 * The link's `code` parameter: base64url of `{"code":"<secret>","accountUserId":"AUSR-…"}`
 * (the platform's shape, §6.4). The secret alone is also accepted where the path names the
 * account user (decision 2).
 */
export function encodeInvitationCode(secret: string, accountUserId: string): string {
  return Buffer.from(JSON.stringify({ code: secret, accountUserId })).toString('base64url')
}

export function invitationUrl(publicUrl: string, secret: string, accountUserId: string): string {
  return `${publicUrl}/accept-invite?code=${encodeInvitationCode(secret, accountUserId)}`
}

export interface DecodedCode {
  secret: string
  accountUserId: string | undefined
}

export function decodeInvitationCode(code: string): DecodedCode {
  const text = safeDecodeURIComponent(code.trim())
  // Node's base64 decoder reads both the standard and the URL-safe alphabet.
  const decoded = Buffer.from(text, 'base64').toString('utf8')
  if (decoded.startsWith('{')) {
    try {
      const parsed = JSON.parse(decoded) as { code?: unknown; accountUserId?: unknown }
      if (typeof parsed.code === 'string') {
        return {
          secret: parsed.code,
          accountUserId:
            typeof parsed.accountUserId === 'string' ? parsed.accountUserId : undefined,
        }
      }
    } catch {
      // not the JSON form: fall through and treat the text as the bare secret
    }
  }
  return { secret: text, accountUserId: undefined }
}

function safeDecodeURIComponent(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
