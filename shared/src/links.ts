/**
 * The dashboard's query-string names of the filter lists (`?channel=web&reason=size`): the client
 * reads and writes them, and the server writes them into links in alert messages.
 */
export const FILTER_LIST_PARAMS = {
  channels: 'channel',
  productLines: 'productLine',
  reasonCodes: 'reason',
  agentIds: 'agent',
  teams: 'team',
  campaigns: 'campaign',
} as const;
