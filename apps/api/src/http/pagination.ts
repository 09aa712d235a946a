import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { Request, Response } from 'express';

export const MAX_PAGE_SIZE = 500;

/** `?page=&pageSize=` (api.md): pages count from 1; pageSize at most 500. */
export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'page must be a whole number' })
  @Min(1, { message: 'page must be 1 or more' })
  page?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'pageSize must be a whole number' })
  @Min(1, { message: 'pageSize must be between 1 and 500' })
  @Max(MAX_PAGE_SIZE, { message: 'pageSize must be between 1 and 500' })
  pageSize?: number;
}

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
}

export function pageBounds(query: PageQueryDto): { page: number; pageSize: number; skip: number } {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 50;
  return { page, pageSize, skip: (page - 1) * pageSize };
}

/** RFC 8288 `Link` header with first, prev, next and last pages, keeping the request's other filters. */
export function setPageLinks(request: Request, response: Response, page: Page<unknown>): void {
  const last = Math.max(1, Math.ceil(page.total / page.pageSize));
  const link = (p: number, rel: string) => {
    const url = new URL(request.originalUrl, 'http://local');
    url.searchParams.set('page', String(p));
    url.searchParams.set('pageSize', String(page.pageSize));
    return `<${url.pathname}${url.search}>; rel="${rel}"`;
  };
  const links = [link(1, 'first'), link(last, 'last')];
  if (page.page > 1) links.push(link(Math.min(page.page - 1, last), 'prev'));
  if (page.page < last) links.push(link(page.page + 1, 'next'));
  response.setHeader('Link', links.join(', '));
  response.setHeader('X-Total-Count', String(page.total));
}
