import * as t from 'io-ts';
import { pagination } from '../../domain/shared/pagination';
import { IntFromQuery } from './decode';

export const MAX_PAGE_SIZE = 100;

/** `?page&limit`: page from 1, limit 1-100 (20 when absent). */
export const PageQuery = t.partial({ page: IntFromQuery(1, 1_000_000), limit: IntFromQuery(1, MAX_PAGE_SIZE) });

export const pageOf = (q: { page?: number; limit?: number }): { page: number; limit: number } => ({ page: q.page ?? 1, limit: q.limit ?? 20 });

export const paged = <T>(items: readonly T[], total: number, page: number, limit: number) => ({ items, pagination: pagination(page, limit, total) });
