import { Field, Float, type FieldOptions } from '@nestjs/graphql';

/** An optional Float: a rate, mean or amount that is null where it is undefined (over an empty set, without data). */
export const NullableFloat = (options: Omit<FieldOptions, 'nullable'> = {}): PropertyDecorator => Field(() => Float, { nullable: true, ...options });
