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
