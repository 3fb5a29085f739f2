/** Injection token of the warehouse reader (`Warehouse` of @refunds/warehouse): DuckDB today, ClickHouse next. */
export const WAREHOUSE = Symbol('WAREHOUSE');
