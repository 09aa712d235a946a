import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  everyPage,
  pageHref,
  pageOf,
  pageWithin,
  paginationLinks,
  requestedPage,
  showing,
} from './pagination.js';

const href = (n: number) => `/list?page=${n}`;
const numbers = (links: ReturnType<typeof paginationLinks>) =>
  links!.items.map((i) => ('ellipsis' in i ? '…' : i.current ? `[${i.number}]` : String(i.number)));

describe('pagination of long lists', () => {
  it('reads ?page= as a whole number from 1', () => {
    expect(requestedPage('3')).toBe(3);
    expect(requestedPage('0')).toBe(1);
    expect(requestedPage('-2')).toBe(1);
    expect(requestedPage('2.5')).toBe(1);
    expect(requestedPage(['2'])).toBe(1);
    expect(requestedPage(undefined)).toBe(1);
  });

  it('gives one page of the list, and the last page for a page past the end', () => {
    const items = Array.from({ length: 120 }, (_, i) => i);
    expect(pageOf(items, 1, 50)).toEqual({ page: 1, pages: 3, items: items.slice(0, 50) });
    expect(pageOf(items, 3, 50).items).toEqual(items.slice(100));
    expect(pageOf(items, 99, 50).page).toBe(3);
    expect(pageOf([], 4, 50)).toEqual({ page: 1, pages: 1, items: [] });
  });

  it('links the first, last and neighbouring pages, with an ellipsis for each gap', () => {
    expect(paginationLinks(1, 1, href)).toBeNull();
    expect(numbers(paginationLinks(1, 3, href))).toEqual(['[1]', '2', '3']);
    expect(numbers(paginationLinks(5, 10, href))).toEqual(['1', '…', '4', '[5]', '6', '…', '10']);
    const first = paginationLinks(1, 10, href)!;
    expect(first.previous).toBeUndefined();
    expect(first.next).toEqual({ href: '/list?page=2' });
    expect(paginationLinks(10, 10, href)!.next).toBeUndefined();
  });

  it('every item of the list is on exactly one page, in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { maxLength: 300 }),
        fc.integer({ min: 1, max: 60 }),
        (items, size) => {
          const { pages } = pageOf(items, 1, size);
          const all = Array.from({ length: pages }, (_, i) => pageOf(items, i + 1, size).items).flat();
          expect(all).toEqual(items);
        },
      ),
    );
  });

  it('always shows the current, first and last pages, once each, ascending, never two ellipses together', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 500 })
          .chain((pages) => fc.tuple(fc.integer({ min: 1, max: pages }), fc.constant(pages))),
        ([page, pages]) => {
          const links = paginationLinks(page, pages, href)!;
          const shown = links.items.flatMap((i) => ('ellipsis' in i ? [] : [i.number]));
          expect(shown).toEqual([...new Set(shown)].sort((a, b) => a - b));
          expect(shown).toEqual(expect.arrayContaining([1, page, pages]));
          expect(links.items.filter((i) => 'current' in i && i.current)).toHaveLength(1);
          links.items.forEach((item, i) => {
            if ('ellipsis' in item) expect('ellipsis' in links.items[i + 1]!).toBe(false);
          });
          expect(links.previous === undefined).toBe(page === 1);
          expect(links.next === undefined).toBe(page === pages);
        },
      ),
    );
  });

  it('keeps the filters that have a value in the page links, and leaves page 1 without ?page=', () => {
    const link = pageHref('/moderation', { term: '2025-autumn', schoolUrn: undefined, kind: '', page: 7 });
    expect(link(1)).toBe('/moderation?term=2025-autumn');
    expect(link(3)).toBe('/moderation?term=2025-autumn&page=3');
    expect(pageHref('/panel/cases', { page: 2 }, 'decidedPage')(4)).toBe('/panel/cases?page=2&decidedPage=4');
    expect(pageHref('/panel/cases', {})(1)).toBe('/panel/cases');
    expect(pageHref('/x', { q: 'a&b c' })(2)).toBe('/x?q=a%26b+c&page=2');
  });

  it('says which rows a page shows out of the total', () => {
    expect(showing(2, 50, 1234, 'cases')).toBe('Showing 51 to 100 of 1,234 cases');
    expect(showing(25, 50, 1234, 'cases')).toBe('Showing 1,201 to 1,234 of 1,234 cases');
    expect(showing(1, 50, 0, 'cases')).toBeNull();
    expect(pageWithin(99, 50, 1234)).toEqual({ page: 25, pages: 25 });
    expect(pageWithin(3, 50, 0)).toEqual({ page: 1, pages: 1 });
  });

  it('shows every row exactly once across the pages of any total (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 10, max: 200 }), (total, size) => {
        const { pages } = pageWithin(1, size, total);
        let next = 1;
        for (let page = 1; page <= pages; page += 1) {
          const [, first, last, of] = /^Showing ([\d,]+) to ([\d,]+) of ([\d,]+) rows$/
            .exec(showing(page, size, total, 'rows')!)!
            .map((n) => Number(n.replace(/,/g, '')));
          expect(first).toBe(next);
          expect(of).toBe(total);
          next = last! + 1;
        }
        expect(next).toBe(total + 1);
      }),
    );
  });

  it('loads every row of a paged list, one read-model page at a time', async () => {
    const rows = Array.from({ length: 1203 }, (_, i) => i);
    const asked: number[] = [];
    const load = async (page: number, pageSize: number) => {
      asked.push(page);
      return { items: rows.slice((page - 1) * pageSize, page * pageSize), total: rows.length };
    };
    expect(await everyPage(load)).toEqual(rows);
    expect(asked).toEqual([1, 2, 3]);
    expect(await everyPage(async () => ({ items: [], total: 0 }))).toEqual([]);
    // A list that shrinks while it is read ends rather than asking for pages forever.
    expect(await everyPage(async (page) => ({ items: page === 1 ? [1] : [], total: 10 }), 1)).toEqual([1]);
  });
});
