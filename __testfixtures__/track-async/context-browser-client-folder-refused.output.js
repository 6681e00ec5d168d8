'use strict';

import * as hooks from './hooks';

export function alert(params) {
	const existing = hooks.find(params.alert_id);
	if (existing) {
		updateAlert(existing, params);
	}
}

async function updateAlert(existing, params) {
	await hooks.fire('action:alert.update', { existing, params });
}
