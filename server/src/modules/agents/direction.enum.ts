import { registerEnumType } from '@nestjs/graphql';
import type { Direction } from '@refunds/shared';

/** api-contract.md `enum Direction`; the values are the shared `Direction` type. */
export const DirectionEnum: { readonly [K in Direction]: K } = { HIGHER_IS_BETTER: 'HIGHER_IS_BETTER', LOWER_IS_BETTER: 'LOWER_IS_BETTER' };

registerEnumType(DirectionEnum, {
  name: 'Direction',
  description: 'Which way of a KPI an incentive plan rewards',
  valuesMap: {
    HIGHER_IS_BETTER: { description: 'A higher value raises the incentive score' },
    LOWER_IS_BETTER: { description: 'A lower value raises the incentive score (z-score sign flipped)' },
  },
});

/** incentive_plans.direction is lower-case in the data contract. */
export function directionOf(stored: string): Direction | null {
  switch (stored) {
    case 'higher_is_better':
      return 'HIGHER_IS_BETTER';
    case 'lower_is_better':
      return 'LOWER_IS_BETTER';
    default:
      return null;
  }
}
