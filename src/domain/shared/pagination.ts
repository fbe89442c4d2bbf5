export interface Pagination {
  readonly currentPage: number;
  readonly totalPages: number;
  readonly totalItems: number;
  readonly itemsPerPage: number;
  readonly hasNextPage: boolean;
  readonly hasPrevPage: boolean;
}

/** Page metadata for `totalItems` items shown `limit` per page (page and limit at least 1). */
export const pagination = (page: number, limit: number, totalItems: number): Pagination => {
  const totalPages = Math.ceil(totalItems / limit);
  return { currentPage: page, totalPages, totalItems, itemsPerPage: limit, hasNextPage: page < totalPages, hasPrevPage: page > 1 };
};

/**
 * Page metadata for a list that pages by number or by cursor. The fields are always present; a
 * value the request did not ask to compute is null: `totalItems` and `totalPages` without a
 * count, `currentPage` and `hasPrevPage` in cursor mode (a cursor knows where it is, not how
 * many pages lie before it). `nextCursor` continues after this page, null at the end.
 */
export interface ListMeta {
  readonly currentPage: number | null;
  readonly totalPages: number | null;
  readonly totalItems: number | null;
  readonly itemsPerPage: number;
  readonly hasNextPage: boolean;
  readonly hasPrevPage: boolean | null;
  readonly nextCursor: string | null;
}

export const listMeta = (args: { page: number | null; limit: number; total: number | null; nextCursor: string | null }): ListMeta => {
  const { page, limit, total, nextCursor } = args;
  return {
    currentPage: page,
    totalPages: total === null ? null : Math.ceil(total / limit),
    totalItems: total,
    itemsPerPage: limit,
    hasNextPage: nextCursor !== null,
    hasPrevPage: page === null ? null : page > 1,
    nextCursor,
  };
};
