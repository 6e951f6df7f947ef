// Minimal typings for autocannon 9 (no @types package is installed): only what bench/ uses.
declare module 'autocannon' {
  namespace autocannon {
    interface RequestParams {
      method?: string
      path?: string
      headers?: Record<string, string>
      body?: string | Buffer
    }
    interface Request extends RequestParams {
      /** Called before every request built from this entry; return the request to send. */
      onResponse?: (
        status: number,
        body: string,
        context: Record<string, unknown>,
        headers: Record<string, unknown>,
      ) => void
      setupRequest?: (
        request: RequestParams & Record<string, unknown>,
        context: Record<string, unknown>,
      ) => RequestParams | null | undefined
    }
    interface Options {
      url: string
      connections?: number
      pipelining?: number
      duration?: number
      amount?: number
      timeout?: number
      method?: string
      headers?: Record<string, string>
      body?: string
      requests?: Request[]
    }
    interface Histogram {
      average: number
      mean: number
      stddev: number
      min: number
      max: number
      total: number
      p50: number
      p90: number
      p99: number
      p99_9?: number
      [key: string]: number | undefined
    }
    interface Result {
      requests: Histogram & { sent: number }
      latency: Histogram
      throughput: Histogram
      errors: number
      timeouts: number
      non2xx: number
      '2xx': number
      '4xx': number
      '5xx': number
      duration: number
      start: Date
      finish: Date
      statusCodeStats?: Record<string, { count: number }>
    }
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>
  export = autocannon
}
