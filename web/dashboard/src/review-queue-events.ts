/**
 * A decision or a resubmission changes what is in 待我审查: the header's counts are read
 * again when one is recorded, wherever on the page it was taken.
 */
import { useEffect } from 'react';

const CHANGED = 'county-dashboard:review-queue-changed';

export const reviewQueueChanged = (): void => {
  window.dispatchEvent(new Event(CHANGED));
};

export function useReviewQueueChanged(callback: () => void): void {
  useEffect(() => {
    window.addEventListener(CHANGED, callback);
    return () => window.removeEventListener(CHANGED, callback);
  }, [callback]);
}
