import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

/** Flattens nested class-validator errors into one readable message per failed constraint. */
export function validationMessages(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, m]) =>
      constraint === 'whitelistValidation'
        ? `${path} is not a field this request accepts`
        : m.startsWith(path)
          ? m
          : `${path}: ${m}`,
    );
    return [...own, ...validationMessages(error.children ?? [], path)];
  });
}

/**
 * class-validator's `IsNumber({ maxDecimalPlaces })` throws a TypeError on a number JavaScript writes in
 * exponent form (`1e-7`), which was a 500; found by test/reliability/bad-input.e2e-spec.ts. Such a value is
 * an input problem: answer 400.
 */
class LedgerValidationPipe extends ValidationPipe {
  protected override async validate(...args: Parameters<ValidationPipe['validate']>) {
    try {
      return await super.validate(...args);
    } catch (error) {
      if (error instanceof TypeError) {
        throw new BadRequestException(['A number is out of range or not written plainly (like 0.5 or 90)']);
      }
      throw error;
    }
  }
}

/** `class-validator` on every input: unknown fields are refused, values are converted to the DTO's types. */
export function createValidationPipe(): ValidationPipe {
  return new LedgerValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new BadRequestException(validationMessages(errors)),
  });
}
