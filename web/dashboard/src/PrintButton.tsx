import { useState } from 'react';
import { formatDateTime } from './format';

/**
 * 打印 The project page on paper, for the case file: the browser's print dialog with
 * print.css (loaded after styles.css in main.tsx: navigation and buttons hidden, every
 * section full width and legible). The time of printing goes on the paper, since a
 * printed page outlives the data it shows.
 */
export function PrintButton() {
  const [printedAt, setPrintedAt] = useState(() => new Date().toISOString());
  return (
    <>
      <button
        type="button"
        className="print-button"
        onClick={() => {
          setPrintedAt(new Date().toISOString());
          // After React has written the new time into the page.
          setTimeout(() => window.print(), 0);
        }}
      >
        打印
      </button>
      <p className="print-only" id="printed-at">
        打印时间：{formatDateTime(printedAt)}（从江县政务服务中心 联审工作台；以各部门系统的最新数据为准）
      </p>
    </>
  );
}
