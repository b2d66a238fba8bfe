/**
 * GraphiQL keeps its tabs in localStorage and, once it has any, ignores the tabs it is
 * given. The gateway's examples and the development token are minted for this page load,
 * so tabs live only as long as the page; history, theme and panel sizes are kept.
 */
const PAGE_ONLY = new Set(['graphiql:tabState', 'graphiql:query', 'graphiql:variables', 'graphiql:headers']);

export function sessionOnlyTabs(persistent: Storage): Storage {
  const page = new Map<string, string>();
  return {
    getItem: (key) => (PAGE_ONLY.has(key) ? (page.get(key) ?? null) : persistent.getItem(key)),
    setItem: (key, value) => (PAGE_ONLY.has(key) ? void page.set(key, value) : persistent.setItem(key, value)),
    removeItem: (key) => (PAGE_ONLY.has(key) ? void page.delete(key) : persistent.removeItem(key)),
    clear: () => {
      page.clear();
      for (const key of Object.keys(persistent)) if (key.startsWith('graphiql:')) persistent.removeItem(key);
    },
    key: (index) => persistent.key(index),
    get length() {
      return persistent.length;
    },
  };
}
