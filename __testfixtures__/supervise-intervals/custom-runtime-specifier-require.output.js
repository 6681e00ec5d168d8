const lf = require('@acme/leakfix-runtime');
const { expire } = require('./cache');

lf.track(Promise.resolve());
lf.supervise('expire', () => expire(), { everyMs: 1000 });
