import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { escapeHtml, formText, isRealDate, readDateInput } from './form-input.js';

describe('web form input', () => {
  it('reads a GOV.UK date input as YYYY-MM-DD, "" when empty, "invalid" when a part is not a number', () => {
    expect(readDateInput({ 'd-day': ' 7 ', 'd-month': '3', 'd-year': '2026' }, 'd')).toBe('2026-03-07');
    expect(readDateInput({}, 'd')).toBe('');
    expect(readDateInput({ 'd-day': '', 'd-month': '', 'd-year': '' }, 'd')).toBe('');
    expect(readDateInput({ 'd-day': '7', 'd-month': 'March', 'd-year': '2026' }, 'd')).toBe('invalid');
    expect(readDateInput({ 'd-day': '7', 'd-month': '3', 'd-year': '26' }, 'd')).toBe('invalid');
    expect(readDateInput({ 'd-day': '7', 'd-year': '2026' }, 'd')).toBe('invalid');
  });

  it('tells a day of the calendar from one that does not exist', () => {
    expect(isRealDate('2028-02-29')).toBe(true);
    expect(isRealDate('2027-02-29')).toBe(false);
    expect(isRealDate('2026-04-31')).toBe(false);
    expect(isRealDate('invalid')).toBe(false);
    expect(isRealDate('')).toBe(false);
  });

  it('property: any calendar day typed into the three inputs reads back as itself and is real', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('2999-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const iso = date.toISOString().slice(0, 10);
          const [year, month, day] = iso.split('-');
          const typed = { 'x-day': String(Number(day)), 'x-month': String(Number(month)), 'x-year': year };
          expect(readDateInput(typed, 'x')).toBe(iso);
          expect(isRealDate(iso)).toBe(true);
        },
      ),
    );
  });

  it('trims text and escapes HTML', () => {
    expect(formText('  a ')).toBe('a');
    expect(formText(3)).toBe('');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
