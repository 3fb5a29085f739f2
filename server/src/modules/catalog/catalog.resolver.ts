import { Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '../auth/auth.types';
import { CurrentPrincipal } from '../auth/current-principal.decorator';
import { CatalogService } from './catalog.service';
import { FilterOptions, MetricInfo } from './models/catalog.model';

@Resolver()
export class CatalogResolver {
  constructor(private readonly service: CatalogService) {}

  @Query(() => [MetricInfo], { description: 'Every metric with its label, formula and caveat (en, zh-CN)' })
  metricCatalog(): MetricInfo[] {
    return this.service.metrics();
  }

  @Query(() => FilterOptions)
  filterOptions(@CurrentPrincipal() who: Principal): Promise<FilterOptions> {
    return this.service.options(who);
  }
}
