/** `idt:TKN-####-####:<secret>`: the bearer credential an API token is used as. */
const CREDENTIAL = /^idt:(TKN-\d{4}-\d{4}):([A-Za-z0-9+/=_-]+)$/

export interface TokenCredential {
  tokenId: string
  secret: string
}

export function parseCredential(value: string): TokenCredential | undefined {
  const match = CREDENTIAL.exec(value.trim())
  return match ? { tokenId: match[1]!, secret: match[2]! } : undefined
}

export function formatCredential(tokenId: string, secret: string): string {
  return `idt:${tokenId}:${secret}`
}
