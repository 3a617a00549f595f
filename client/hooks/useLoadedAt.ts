/** When `data` last arrived from the server: for the "Updated at" of a page. */
import { useEffect, useState } from 'react';

export function useLoadedAt(data: unknown): string | null {
  const [at, setAt] = useState<string | null>(null);
  useEffect(() => {
    if (data) setAt(new Date().toISOString());
  }, [data]);
  return at;
}
