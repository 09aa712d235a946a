import { isIsoDate } from '#induction/calendar/calendar-date.js';

/** Reads one row's cells by column name, collecting one clear message per problem (the column's own name). */
export class RowReader {
  readonly messages: string[] = [];
  private readonly missing: string[] = [];

  constructor(private readonly record: Record<string, string>) {}

  /** The cell's text, or undefined (and noted as missing) when empty or the column is absent. */
  text(column: string, options: { required?: boolean; max?: number } = {}): string | undefined {
    const value = (this.record[column.toLowerCase()] ?? '').trim();
    if (value === '') {
      if (options.required ?? true) this.missing.push(column);
      return undefined;
    }
    if (value.length > (options.max ?? 200)) {
      this.messages.push(`${column} must be ${options.max ?? 200} characters or fewer`);
      return undefined;
    }
    return value;
  }

  matching(column: string, pattern: RegExp, example: string): string | undefined {
    const value = this.text(column);
    if (value !== undefined && !pattern.test(value)) {
      this.messages.push(`${column} must be ${example} (got "${value}")`);
      return undefined;
    }
    return value;
  }

  /** A date written YYYY-MM-DD or DD/MM/YYYY, as YYYY-MM-DD. */
  date(column: string): string | undefined {
    const value = this.text(column);
    if (value === undefined) return undefined;
    const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
    const iso = uk ? `${uk[3]}-${uk[2]!.padStart(2, '0')}-${uk[1]!.padStart(2, '0')}` : value;
    if (!isIsoDate(iso)) {
      this.messages.push(`${column} must be a real date, like 2025-09-01 or 01/09/2025 (got "${value}")`);
      return undefined;
    }
    return iso;
  }

  number(column: string, min: number, max: number, description: string): number | undefined {
    const value = this.text(column);
    if (value === undefined) return undefined;
    const number = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value) || number < min || number > max) {
      this.messages.push(`${column} must be ${description} (got "${value}")`);
      return undefined;
    }
    return number;
  }

  oneOf<T extends string>(column: string, values: Record<string, T>): T | undefined {
    const value = this.text(column);
    if (value === undefined) return undefined;
    const found =
      values[
        value
          .trim()
          .toLowerCase()
          .replace(/[\s_]+/g, '-')
      ];
    if (found === undefined) {
      const allowed = [...new Set(Object.values(values))].join(', ');
      this.messages.push(`${column} must be one of ${allowed} (got "${value}")`);
    }
    return found;
  }

  email(column: string): string | undefined {
    return this.matching(column, /^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an email address, like name@school.sch.uk');
  }

  /** All messages, the missing columns first in one message that names them. */
  problems(note = ''): string[] {
    const missing = this.missing.length > 0 ? [`Missing ${this.missing.join(', ')}${note}`] : [];
    return [...missing, ...this.messages];
  }
}
