/**
 * Why county data may be read (X-Purpose: <kind>:<reference>): the kinds this county's
 * gateway accepts, and what each reference names. Partner systems are registered for some
 * of them; a purpose is what lets a reviewer see personal data unmasked, and the audit
 * records it.
 */
export const PURPOSE_KINDS = [
  /** 办件: a case number (办件编号), `case:GZ2026112900017`. */
  'case',
  /** 事项: a service item code (事项编码), `item:000133001000`. */
  'item',
  /** 项目: a project code (投资项目代码), `project:2302-522633-04-03-364537`. */
  'project',
] as const;
