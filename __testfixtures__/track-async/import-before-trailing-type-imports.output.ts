import { render } from './render';
import { debounce } from './utils'; // throttles saves
import { track } from '@leakfix/runtime';

import type { Scene } from './types';
import type { Api } from './api';

async function save(api: Api, scene: Scene): Promise<void> {
  await api.put(scene.id, render(scene));
}

export function onChange(api: Api, scene: Scene) {
  track(save(api, scene), 'onChange:save');
  return debounce(() => scene, 100);
}
