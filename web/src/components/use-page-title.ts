import { useEffect } from 'react';

/** Each screen names itself in the browser tab (and so to screen readers, on arrival). */
export const usePageTitle = (title: string): void => {
  useEffect(() => {
    document.title = `${title} – Educator accounts`;
  }, [title]);
};
