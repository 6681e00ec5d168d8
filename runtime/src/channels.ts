/**
 * `node:diagnostics_channel` events, so metrics and tracing attach without wrapping user code:
 *
 *   leakfix:run:start    { task, attempt }
 *   leakfix:run:end      { task, attempt, durationMs, failed, error }
 *   leakfix:task:exit    { task, reason, timedOut, runs, failures }
 *   leakfix:track:reject { name, group, error }
 *
 * The module is looked up on the first supervise()/TaskGroup, never at load (browsers have none).
 * Publishing costs one `hasSubscribers` check when nobody listens.
 */
import { builtinModule } from './host.js';

export interface ChannelLike {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

interface DiagnosticsChannelModule {
  channel(name: string): ChannelLike;
}

export interface Channels {
  runStart: ChannelLike | undefined;
  runEnd: ChannelLike | undefined;
  taskExit: ChannelLike | undefined;
  trackReject: ChannelLike | undefined;
}

let channels: Channels | undefined;

export function diagnosticsChannels(): Channels {
  if (channels === undefined) {
    const module = builtinModule<DiagnosticsChannelModule>('node:diagnostics_channel');
    const open = (name: string): ChannelLike | undefined => {
      try {
        return module?.channel(name);
      } catch {
        return undefined;
      }
    };
    channels = {
      runStart: open('leakfix:run:start'),
      runEnd: open('leakfix:run:end'),
      taskExit: open('leakfix:task:exit'),
      trackReject: open('leakfix:track:reject'),
    };
  }
  return channels;
}

/** Publishes `message()` (built only when someone subscribes). */
export function publish(channel: ChannelLike | undefined, message: () => unknown): void {
  if (channel !== undefined && channel.hasSubscribers) channel.publish(message());
}
