import { Query, Resolver } from '@nestjs/graphql';
import { FilterArg } from '../../common/graphql/args';
import { RefundFilterInput } from '../../common/graphql/refund-filter.input';
import { validateFilter } from '../../common/semantic/filter';
import { Reconciliation } from './models/reconciliation.model';
import { ReconciliationService } from './reconciliation.service';

@Resolver()
export class ReconciliationResolver {
  constructor(private readonly service: ReconciliationService) {}

  @Query(() => Reconciliation, { description: 'Sources imported, the refunds each contributes to, and the conflicts between them (reconciliation.md)' })
  reconciliation(@FilterArg() filter: RefundFilterInput | null): Promise<Reconciliation> {
    return this.service.reconciliation(validateFilter(filter));
  }
}
