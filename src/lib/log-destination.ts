import pretty from 'pino-pretty'

/**
 * Where log lines go: JSON lines for machines (a file, a pipe, a container's log driver), or
 * pino-pretty's coloured one-line-per-event form when a person watches a terminal.
 */
export function logDestination(
  format: 'auto' | 'json' | 'pretty',
  stdout: NodeJS.WriteStream,
): NodeJS.WritableStream {
  const isPretty = format === 'pretty' || (format === 'auto' && stdout.isTTY === true)
  if (!isPretty) return stdout
  return pretty({
    colorize: format === 'auto' ? true : stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    destination: stdout,
    sync: true,
  })
}
