import { createHash } from 'node:crypto';
import {
  AMOUNT_BAND_SQL,
  COARSE_UNIT,
  CUTOFFS_CTE,
  DAILY_MEASURES,
  ORDER_DAILY_COLUMNS,
  PRODUCT_WEEKLY_COLUMNS,
  DEFECT_WEEKLY_COLUMNS,
  PRODUCT_LINES_COLUMNS,
  DEFECT_LINE_WEEKLY_COLUMNS,
  ROLLUPS,
} from '@refunds/warehouse';

// The rollups the warehouse model declares (shared/warehouse/src/rollups.ts) are built and kept up to date by ./rollup-build.

/**
 * Identifies the rollups' definition: a database whose rollups were built by another definition
 * (an older loader) is rebuilt, not read with missing or differently computed columns.
 */
export const ROLLUP_SIGNATURE = createHash('sha256')
  .update(
    JSON.stringify([
      ROLLUPS,
      COARSE_UNIT,
      DAILY_MEASURES,
      AMOUNT_BAND_SQL,
      CUTOFFS_CTE.text,
      ORDER_DAILY_COLUMNS,
      PRODUCT_WEEKLY_COLUMNS,
      DEFECT_WEEKLY_COLUMNS,
      PRODUCT_LINES_COLUMNS,
      DEFECT_LINE_WEEKLY_COLUMNS,
    ]),
  )
  .digest('hex')
  .slice(0, 12);
