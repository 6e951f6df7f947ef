import cliProgress from 'cli-progress'

export interface Output {
  json: boolean
  /** The command's result: JSON on stdout with --json, else the lines given. */
  result(value: unknown, lines: string[]): void
  /** A bar on a terminal; one line per step otherwise (logs, CI, a pipe); nothing with --json. */
  progress(label: string): { update(done: number, total: number): void; stop(): void }
}

export function createOutput(
  json: boolean,
  streams: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
): Output {
  const { stdout, stderr } = streams
  return {
    json,
    result(value, lines) {
      stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${lines.join('\n')}\n`)
    },
    progress(label) {
      if (stderr.isTTY && !json) {
        const bar = new cliProgress.SingleBar(
          { format: `${label} [{bar}] {percentage}% {value}/{total}`, stream: stderr },
          cliProgress.Presets.shades_classic,
        )
        let started = false
        return {
          update(done, total) {
            if (!started) bar.start(total, done)
            else bar.setTotal(total)
            started = true
            bar.update(done)
          },
          stop: () => bar.stop(),
        }
      }
      return {
        update: (done, total) => void stderr.write(`${label}: ${done}/${total}\n`),
        stop() {},
      }
    },
  }
}
