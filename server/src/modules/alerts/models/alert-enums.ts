import { registerEnumType } from '@nestjs/graphql';
import { AlertDeliveryStatus, AlertFormat, AlertKind } from '../alert-kinds';

registerEnumType(AlertKind, { name: 'AlertKind' });
registerEnumType(AlertFormat, { name: 'AlertFormat' });
registerEnumType(AlertDeliveryStatus, { name: 'AlertDeliveryStatus' });

export { AlertDeliveryStatus, AlertFormat, AlertKind };
