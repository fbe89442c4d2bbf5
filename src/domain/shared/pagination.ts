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
