import { NotFoundException } from '@nestjs/common';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id that is not a UUID cannot name an ECT: 404, like any unknown id. */
export function parseEctId(id: string): string {
  if (!UUID.test(id)) throw new NotFoundException([`No ECT with id ${id}`]);
  return id.toLowerCase();
}
