import { track } from './analytics';

async function sendBeacon() {}

export function onClick() {
  track('click');
  sendBeacon();
}
