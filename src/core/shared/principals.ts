/** Well-known principal ids of the Microsoft S2S world (docs/protocol.md §3). */
export const PRINCIPAL_IDS = {
  acs: '00000001-0000-0000-c000-000000000000',
  exchange: '00000002-0000-0ff1-ce00-000000000000',
  sharepoint: '00000003-0000-0ff1-ce00-000000000000',
  lync: '00000004-0000-0ff1-ce00-000000000000',
} as const;

/** Our default service name: the Skype for Business / Lync principal id. */
export const DEFAULT_SERVICE_NAME = PRINCIPAL_IDS.lync;
