/** Only the paging part of a parsed RQL query. */
interface Paging {
  offset: number
  limit: number
}

/** The collection envelope (§3.1); items carry no `$meta` of their own. */
export function listResponse(
  query: Paging,
  total: number,
  omitted: string[],
  items: Array<Record<string, unknown>>,
) {
  return {
    $meta: {
      pagination: { offset: query.offset, limit: query.limit, total },
      ...(omitted.length > 0 ? { omitted } : {}),
    },
    data: items.map(({ $meta: _meta, ...item }) => item),
  }
}
