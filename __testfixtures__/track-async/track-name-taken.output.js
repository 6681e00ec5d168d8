import { track } from './analytics';
import { track as leakfixTrack } from '@leakfix/runtime';

async function sendBeacon() {}

export function onClick() {
  track('click');
  leakfixTrack(sendBeacon(), 'onClick:sendBeacon');
}
