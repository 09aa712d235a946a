import { AsAtQuery } from '../audit/as-at.query.js';
import { PageQueryDto } from '../http/pagination.js';

/** `GET /schools`: a page of the register, optionally as it stood at a past time (R23). */
export class ListSchoolsQueryDto extends PageQueryDto {
  @AsAtQuery()
  asAt?: string;
}

/** `GET /schools/:urn`: one school, optionally as it stood at a past time (R23). */
export class SchoolQueryDto {
  @AsAtQuery()
  asAt?: string;
}
