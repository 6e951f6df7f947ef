import type { Clock } from '../src/lib/clock.js'

/**
 * Real time plus an offset the parent can move forward over IPC: invitations created at "now"
 * can be made expired (for send-new-invite) without waiting and without a short TTL that would
 * also expire the freshly renewed ones mid-run.
 */
export class ControllableClock implements Clock {
  private offsetMs = 0

  now(): Date {
    return new Date(Date.now() + this.offsetMs)
  }

  advance(ms: number): void {
    this.offsetMs += ms
  }

  get offset(): number {
    return this.offsetMs
  }
}
