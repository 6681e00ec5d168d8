import { supervise } from './org-chart';
import { refresh } from './directory';

export const manager = supervise('alice', ['bob']);

setInterval(() => refresh(), 60_000);
