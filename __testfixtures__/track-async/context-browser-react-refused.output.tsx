import { useEffect } from "react";

import { loadScene } from "./data";

export function ExampleApp({ api }: { api: { addFiles(files: unknown[]): void } }) {
  useEffect(() => {
    const fetchData = async () => {
      const files = await loadScene();
      api.addFiles(files);
    };
    fetchData();
  }, [api]);
  return null;
}
