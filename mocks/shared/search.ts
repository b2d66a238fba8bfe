/**
 * How the county's systems search a project list: the text anywhere in the 投资项目代码,
 * the 项目名称, the 建设单位 name or its 统一社会信用代码, letters in any case. Both the
 * 住建局 system and the approval system's project library keep these four on each project.
 */
export interface Searchable {
  code: string;
  name: string;
  applicantUscc: string;
  applicantName: string;
}

export function matchesSearch(record: Searchable, text: string | null): boolean {
  if (!text) return true;
  const needle = text.toLowerCase();
  return [record.code, record.name, record.applicantUscc, record.applicantName].some((field) => field.toLowerCase().includes(needle));
}
