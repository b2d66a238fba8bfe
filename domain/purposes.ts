/**
 * Why county data may be read (X-Purpose: <kind>:<reference>): the kinds this county's
 * gateway accepts, and what each reference names. Partner systems are registered for some
 * of them; a purpose is what lets a reviewer see personal data unmasked, and the audit
 * records it.
 */
export const PURPOSE_KINDS = ['case', 'item', 'project'] as const;

export type PurposeKind = (typeof PURPOSE_KINDS)[number];

export const PURPOSE_LABELS: Record<PurposeKind, string> = {
  case: '办件（办件编号）',
  item: '事项（事项编码）',
  project: '项目（项目代码）',
};
