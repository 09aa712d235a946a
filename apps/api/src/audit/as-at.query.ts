import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, registerDecorator } from 'class-validator';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d)(:([0-5]\d)(\.\d{1,6})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

function realDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d && y >= 1900;
}

/** A calendar date (YYYY-MM-DD, London) or an ISO 8601 date-time with `Z` or an offset. */
export function isAsAt(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value) ?? DATE_TIME.exec(value);
  if (!match) return false;
  if (!realDate(Number(match[1]), Number(match[2]), Number(match[3]))) return false;
  return !Number.isNaN(new Date(value).getTime());
}

export const AS_AT_DESCRIPTION =
  'The view as it stood then (R23 audit): a date YYYY-MM-DD (everything recorded by the end of that day, ' +
  'London time) or a date-time with offset (2026-01-31T17:00:00Z). The log up to then is replayed with the ' +
  'read model’s own handlers; scoped like the live read. A time after now is refused (400).';

/** `?asAt=` on a read-model query DTO: optional, validated, documented in OpenAPI. */
export function AsAtQuery() {
  return applyDecorators(
    ApiPropertyOptional({ example: '2025-12-01', description: AS_AT_DESCRIPTION }),
    IsOptional(),
    (target: object, propertyName: string | symbol) =>
      registerDecorator({
        name: 'isAsAt',
        target: target.constructor,
        propertyName: propertyName as string,
        options: {
          message: `${String(propertyName)} must be a real date YYYY-MM-DD or a date-time like 2026-01-31T17:00:00Z`,
        },
        validator: { validate: isAsAt },
      }),
  );
}
