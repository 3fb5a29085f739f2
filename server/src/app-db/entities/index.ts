import { AlertDeliveryEntity, AlertFindingEntity, AlertRuleEntity, AlertStateEntity } from './alert.entity';
import { AnnotationEntity } from './annotation.entity';
import { ApiTokenEntity } from './api-token.entity';
import { AuditEntryEntity } from './audit-entry.entity';
import { PolicyChangeEntity } from './policy-change.entity';
import { SavedViewEntity } from './saved-view.entity';
import { SessionEntity } from './session.entity';
import { UserEntity } from './user.entity';

export {
  AlertDeliveryEntity,
  AlertFindingEntity,
  AlertRuleEntity,
  AlertStateEntity,
  AnnotationEntity,
  ApiTokenEntity,
  AuditEntryEntity,
  PolicyChangeEntity,
  SavedViewEntity,
  SessionEntity,
  UserEntity,
};
export const ENTITIES = [
  UserEntity,
  ApiTokenEntity,
  AnnotationEntity,
  SavedViewEntity,
  PolicyChangeEntity,
  SessionEntity,
  AuditEntryEntity,
  AlertRuleEntity,
  AlertFindingEntity,
  AlertDeliveryEntity,
  AlertStateEntity,
];
