import { useEffect, useState } from 'react';
import { useGraphQL } from './use-graphql';
import { useReviewQueueChanged } from './review-queue-events';
import { followLink, reviewHref } from './router';
import type { ReviewQueue } from './ReviewQueuePage';
import QUEUE from './operations/DashboardReviewQueue.graphql?raw';

/**
 * In the header, for reviewers only: 待我审查 12 · 逾期 3, leading to the queue. Counted
 * again whenever a decision is recorded on the page. Someone who reviews for no department
 * sees nothing; a failed count still leaves the link.
 */
export function ReviewQueueLink() {
  const loaded = useGraphQL<{ reviewQueue: ReviewQueue }>(QUEUE, { department: null, first: 0 });
  useReviewQueueChanged(loaded.retry);
  // The last counts stay while new ones are read: the header does not flicker after each decision.
  const [queue, setQueue] = useState<ReviewQueue | null>(null);
  const answered = loaded.state === 'done' ? (loaded.result.data?.reviewQueue ?? null) : undefined;
  useEffect(() => {
    if (answered !== undefined) setQueue(answered);
  }, [answered]);
  if (loaded.state !== 'failed' && (!queue || queue.departmentCodes.length === 0)) return null;
  return (
    <a className="queue-link" href={reviewHref()} onClick={followLink} data-total={queue?.totalCount} data-overdue={queue?.overdueCount}>
      待我审查
      {queue && (
        <>
          {' '}
          <strong>{queue.totalCount}</strong>
          {' · '}
          <span className={queue.overdueCount > 0 ? 'queue-overdue' : undefined}>逾期 {queue.overdueCount}</span>
        </>
      )}
    </a>
  );
}
