import { validateCatalog } from '@refunds/shared';
import { catalogModelProblems } from '@refunds/warehouse';
import { ConfigError } from './config';

/**
 * The metric catalog's own invariants and its measures against the warehouse model, checked once
 * at boot: a server whose catalog names a measure the model lacks refuses to start.
 */
export function assertCatalog(): void {
  const problems = [...validateCatalog(), ...catalogModelProblems()];
  if (problems.length > 0) throw new ConfigError(`the metric catalog is inconsistent: ${problems.join('; ')}`);
}
