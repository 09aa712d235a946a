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

/** `class-validator` on every input: unknown fields are refused, values are converted to the DTO's types. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new BadRequestException(validationMessages(errors)),
  });
}
