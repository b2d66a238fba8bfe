import { useState } from 'react';
import { graphqlRequest } from './graphql';
import { collectRows, csvOf, EXPORT_MAX_ROWS, exportFileName, ExportRefused } from './list-export';
import type { ListFilters } from './list-filters';
import { LIST_OPERATIONS } from './list-operations';
import { useSession } from './use-graphql';

type ExportState = { state: 'idle' } | { state: 'working'; done: number; total: number | null } | { state: 'done'; fileName: string; rows: number } | { state: 'refused'; message: string; detail: string | null };

/** 导出 CSV: every row of the filtered list (not only this page), as a file named for its filters. */
export function ExportButton({ filters, townName }: { filters: ListFilters; townName: (code: string) => string }) {
  const session = useSession();
  const [status, setStatus] = useState<ExportState>({ state: 'idle' });

  const run = async () => {
    setStatus({ state: 'working', done: 0, total: null });
    try {
      const { rows } = await collectRows(
        filters,
        (kind, variables) => graphqlRequest<Record<string, unknown>>(session.endpoint, session.token, LIST_OPERATIONS[kind], variables),
        { onProgress: (done, total) => setStatus({ state: 'working', done, total }) },
      );
      const fileName = exportFileName(filters, townName);
      download(csvOf(rows, townName), fileName);
      setStatus({ state: 'done', fileName, rows: rows.length });
    } catch (error) {
      if (error instanceof ExportRefused) setStatus({ state: 'refused', message: error.message, detail: error.detail });
      else setStatus({ state: 'refused', message: '导出失败：无法取得列表数据，请稍后重试。', detail: error instanceof Error ? error.message : String(error) });
    }
  };

  return (
    <div className="export">
      <button type="button" id="export-csv" onClick={() => void run()} disabled={status.state === 'working'} title={`导出符合当前筛选条件的全部项目（最多 ${EXPORT_MAX_ROWS} 条）`}>
        导出 CSV
      </button>
      <span role="status" className="note" id="export-status" data-state={status.state}>
        {status.state === 'working' && `正在导出…${status.total !== null ? `（${status.done}/${status.total}）` : ''}`}
        {status.state === 'done' && `已导出 ${status.rows} 条：${status.fileName}`}
      </span>
      {status.state === 'refused' && (
        <div className="alert" role="alert" id="export-error">
          {status.message}
          {status.detail && (
            <details>
              <summary>详情</summary>
              <pre>{status.detail}</pre>
            </details>
          )}
        </div>
      )}
    </div>
  );
}

function download(text: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file once the click is handled; the URL is not needed after.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
