/**
 * One answer per object: `oncePer(make)` is `make` remembered in a WeakMap keyed by its argument. For values
 * derived from a list or record that never changes once handed out (the repository index's lists are the same
 * array for the same question within a snapshot), so every caller that holds the same object shares the work.
 */
export function oncePer<K extends object, V>(make: (key: K) => V): (key: K) => V {
  const cache = new WeakMap<K, V>();
  return (key) => {
    if (cache.has(key)) return cache.get(key) as V;
    const value = make(key);
    cache.set(key, value);
    return value;
  };
}
