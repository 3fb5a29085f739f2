import { AnnotationEntity } from './annotation.entity';
import { ApiTokenEntity } from './api-token.entity';
import { PolicyChangeEntity } from './policy-change.entity';
import { SavedViewEntity } from './saved-view.entity';
import { UserEntity } from './user.entity';

export { AnnotationEntity, ApiTokenEntity, PolicyChangeEntity, SavedViewEntity, UserEntity };
export const ENTITIES = [UserEntity, ApiTokenEntity, AnnotationEntity, SavedViewEntity, PolicyChangeEntity];
