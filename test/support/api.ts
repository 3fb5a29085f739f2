/** The API's GraphQL types, generated from server/schema.gql (`npm run codegen`), for typing answers in tests. */
export type * from '../../client/src/common/generated/schema';
