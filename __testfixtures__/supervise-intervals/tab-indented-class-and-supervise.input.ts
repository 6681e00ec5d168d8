import { refreshTokens } from './auth';

export class TokenCache {
	private readonly tokens = new Map<string, string>();

	start(): void {
		setInterval(() => {
			// Refresh a little before expiry.
			void refreshTokens(this.tokens);
		}, 60_000);
	}

	close(): void {
		this.tokens.clear();
	}
}

export function startHeartbeat(label: string): void {
	setInterval((name: string) => {
		console.log('alive', name);
	}, 5_000, label);
}
