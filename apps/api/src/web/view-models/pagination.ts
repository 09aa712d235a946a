/**
 * GOV.UK pagination for long lists (issue 6): one page of a list the page already holds, and the links of
 * the `govukPagination` component — previous, next, the first and last pages, the pages either side of the
 * current one, and an ellipsis for each gap — or null when everything fits on one page.
 */
export type PageLink = { number: number; href: string; current: boolean } | { ellipsis: true };

export interface PaginationLinks {
  previous?: { href: string };
  next?: { href: string };
  items: PageLink[];
}

/** The page asked for in `?page=`: a whole number from 1 (anything else is page 1). */
export function requestedPage(raw: unknown): number {
  const n = typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : 1;
  return Math.max(1, n);
}

/** One page of `items`; a page past the end is the last page. */
export function pageOf<T>(
  items: readonly T[],
  requested: number,
  pageSize: number,
): { page: number; pages: number; items: T[] } {
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  const page = Math.min(Math.max(1, Math.trunc(requested) || 1), pages);
  return { page, pages, items: items.slice((page - 1) * pageSize, page * pageSize) };
}

export function paginationLinks(
  page: number,
  pages: number,
  href: (page: number) => string,
): PaginationLinks | null {
  if (pages <= 1) return null;
  const shown = [...new Set([1, page - 1, page, page + 1, pages])]
    .filter((n) => n >= 1 && n <= pages)
    .sort((a, b) => a - b);
  const items: PageLink[] = [];
  shown.forEach((n, i) => {
    if (i > 0 && n - shown[i - 1]! > 1) items.push({ ellipsis: true });
    items.push({ number: n, href: href(n), current: n === page });
  });
  return {
    ...(page > 1 ? { previous: { href: href(page - 1) } } : {}),
    ...(page < pages ? { next: { href: href(page + 1) } } : {}),
    items,
  };
}

/**
 * A list page's link to page `n`: the list's filters stay in the link (only those with a value), so paging
 * never drops what the user filtered by; page 1 has no `page` parameter of its own.
 */
export function pageHref(
  path: string,
  filters: Record<string, string | number | undefined>,
  param = 'page',
): (n: number) => string {
  return (n) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filters))
      if (key !== param && value !== undefined && value !== '') query.set(key, String(value));
    if (n > 1) query.set(param, String(n));
    const search = query.toString();
    return search ? `${path}?${search}` : path;
  };
}

/** "Showing 51 to 100 of 1,234 cases" for a page the read model counted; null when the list is empty. */
export function showing(page: number, pageSize: number, total: number, noun: string): string | null {
  if (total <= 0) return null;
  const number = (n: number) => n.toLocaleString('en-GB');
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return `Showing ${number(first)} to ${number(last)} of ${number(total)} ${noun}`;
}

/** The page of a list the read model pages: the one asked for, or the last page when asked past the end. */
export function pageWithin(
  requested: number,
  pageSize: number,
  total: number,
): { page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return { page: Math.min(Math.max(1, requested), pages), pages };
}

/**
 * Every row of a list the read model pages, for a page that needs the whole list (a programme, a picker, a
 * timeline): one read-model page at a time, so nothing is cut off silently at a page size.
 */
export async function everyPage<T>(
  load: (page: number, pageSize: number) => Promise<{ items: T[]; total: number }>,
  pageSize = 500,
): Promise<T[]> {
  const rows: T[] = [];
  for (let page = 1; ; page += 1) {
    const got = await load(page, pageSize);
    rows.push(...got.items);
    if (got.items.length === 0 || page * pageSize >= got.total) return rows;
  }
}
