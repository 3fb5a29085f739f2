/**
 * Reason code -> family. This is configuration (metrics.md: "the mapping is configuration,
 * not code"): the ETL writes it into the database at load time and the server reads it from
 * there; REFUNDS_REASON_FAMILIES (a JSON file path) replaces these defaults.
 */
export type ReasonFamily = 'defect' | 'logistics' | 'customer' | 'billing' | 'service' | 'other';
export const REASON_FAMILIES: readonly ReasonFamily[] = ['defect', 'logistics', 'customer', 'billing', 'service', 'other'];

export const DEFAULT_REASON_FAMILY_MAP: Readonly<Record<Exclude<ReasonFamily, 'other'>, readonly string[]>> = {
  defect: ['quality_defect', 'defective', 'damaged', 'not_as_described', 'wrong_item', 'missing_parts'],
  logistics: ['late_delivery', 'lost_in_transit', 'damaged_in_transit'],
  customer: ['changed_mind', 'misunderstanding', 'ordered_by_mistake', 'size', 'color', 'style', 'unwanted', 'found_cheaper'],
  billing: ['duplicate_charge', 'price_adjustment'],
  service: ['service_not_delivered', 'subscription_cancel'],
};

/** Flattens a family map into (reason_code, family) pairs, rejecting a code listed twice. */
export function reasonFamilyPairs(
  map: Readonly<Record<string, readonly string[]>> = DEFAULT_REASON_FAMILY_MAP,
): Array<{ reasonCode: string; family: ReasonFamily }> {
  const seen = new Map<string, string>();
  const out: Array<{ reasonCode: string; family: ReasonFamily }> = [];
  for (const [family, codes] of Object.entries(map)) {
    if (!(REASON_FAMILIES as readonly string[]).includes(family) || family === 'other') {
      throw new Error(`reason family map: unknown family "${family}"`);
    }
    for (const code of codes) {
      const prior = seen.get(code);
      if (prior) throw new Error(`reason family map: "${code}" is in both "${prior}" and "${family}"`);
      seen.set(code, family);
      out.push({ reasonCode: code, family: family as ReasonFamily });
    }
  }
  return out;
}

export function reasonFamilyOf(code: string, map = DEFAULT_REASON_FAMILY_MAP): ReasonFamily {
  for (const [family, codes] of Object.entries(map)) if ((codes as readonly string[]).includes(code)) return family as ReasonFamily;
  return 'other';
}
