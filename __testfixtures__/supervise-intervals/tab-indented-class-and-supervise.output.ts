import { refreshTokens } from './auth';
import { supervise } from '@leakfix/runtime';

export class TokenCache {
	private refreshTokensTimer?: ReturnType<typeof setInterval>;
	private readonly tokens = new Map<string, string>();

	start(): void {
		this.refreshTokensTimer = setInterval(() => {
			// Refresh a little before expiry.
			void refreshTokens(this.tokens);
		}, 60_000);
	}

	close(): void {
		clearInterval(this.refreshTokensTimer);
		this.tokens.clear();
	}
}

export function startHeartbeat(label: string): void {
	supervise('startHeartbeat', () => ((name: string) => {
		console.log('alive', name);
	})(label), { everyMs: 5_000 });
}
