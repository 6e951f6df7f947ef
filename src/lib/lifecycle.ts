/** Whether the process is shutting down: readiness fails while it finishes what it started. */
export interface Lifecycle {
  isDraining(): boolean
  startDraining(): void
}

export function createLifecycle(): Lifecycle {
  let draining = false
  return {
    isDraining: () => draining,
    startDraining: () => {
      draining = true
    },
  }
}
