/** Answer checks with GOV.UK error messages; the API's DTOs and the domain check the same rules again. */

export const required = (message: string) => (value: string) => (value === '' ? message : null);

export function matching(pattern: RegExp, missing: string, wrong: string) {
  return (value: string) => (value === '' ? missing : pattern.test(value) ? null : wrong);
}

export function maxLength(max: number, missing: string, tooLong: string) {
  return (value: string) => (value === '' ? missing : value.length > max ? tooLong : null);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export function email(missing: string) {
  return (value: string) =>
    value === ''
      ? missing
      : EMAIL.test(value) && value.length <= 320
        ? null
        : 'Enter an email address in the correct format, like name@example.com';
}

/** A real date; `label` in sentence case ("Date of birth"). */
export function realDate(missing: string, label: string) {
  return (value: string) => {
    if (value === '') return missing;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${label} must be a real date`;
    const [y, m, d] = value.split('-').map(Number) as [number, number, number];
    const date = new Date(Date.UTC(y, m - 1, d));
    const real = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
    return real && y >= 1900 && y <= 2200 ? null : `${label} must be a real date`;
  };
}

export function decimalBetween(min: number, max: number, missing: string, wrong: string) {
  return (value: string) => {
    if (value === '') return missing;
    if (!/^\d+(\.\d{1,2})?$/.test(value)) return wrong;
    const n = Number(value);
    return n >= min && n <= max ? null : wrong;
  };
}
