import { render } from './render';
import { debounce } from './utils'; // throttles saves

import type { Scene } from './types';
import type { Api } from './api';

async function save(api: Api, scene: Scene): Promise<void> {
  await api.put(scene.id, render(scene));
}

export function onChange(api: Api, scene: Scene) {
  save(api, scene);
  return debounce(() => scene, 100);
}
