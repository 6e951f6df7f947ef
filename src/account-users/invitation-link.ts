/**
 * The link's `code` parameter: base64url of `{"code":"<secret>","accountUserId":"AUSR-…"}`
 * (the platform's shape, §6.4). The link mailed to the invitee also carries `"proof"`, the
 * mailbox proof: only the mailbox has it, so accepting with it proves the invitee. The link an
 * administrator sees (`invitation.url`) never carries it. The secret alone is also accepted where
 * the path names the account user (decision 2).
 */
export function encodeInvitationCode(
  secret: string,
  accountUserId: string,
  proof?: string,
): string {
  const value = proof ? { code: secret, accountUserId, proof } : { code: secret, accountUserId }
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

/** The link administrators see and copy: it proves nothing about the mailbox. */
export function invitationUrl(publicUrl: string, secret: string, accountUserId: string): string {
  return `${publicUrl}/accept-invite?code=${encodeInvitationCode(secret, accountUserId)}`
}

/** The link the invitation email carries: with the mailbox proof. */
export function emailedInvitationUrl(
  publicUrl: string,
  secrets: { secret: string; proof: string },
  accountUserId: string,
): string {
  return `${publicUrl}/accept-invite?code=${encodeInvitationCode(secrets.secret, accountUserId, secrets.proof)}`
}

export interface DecodedCode {
  secret: string
  accountUserId: string | undefined
  proof: string | undefined
}

export function decodeInvitationCode(code: string): DecodedCode {
  const text = safeDecodeURIComponent(code.trim())
  // Node's base64 decoder reads both the standard and the URL-safe alphabet.
  const decoded = Buffer.from(text, 'base64').toString('utf8')
  if (decoded.startsWith('{')) {
    try {
      const parsed = JSON.parse(decoded) as {
        code?: unknown
        accountUserId?: unknown
        proof?: unknown
      }
      if (typeof parsed.code === 'string') {
        return {
          secret: parsed.code,
          accountUserId:
            typeof parsed.accountUserId === 'string' ? parsed.accountUserId : undefined,
          proof: typeof parsed.proof === 'string' ? parsed.proof : undefined,
        }
      }
    } catch {
      // not the JSON form: fall through and treat the text as the bare secret
    }
  }
  return { secret: text, accountUserId: undefined, proof: undefined }
}

function safeDecodeURIComponent(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
