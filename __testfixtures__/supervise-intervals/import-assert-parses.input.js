import config from './config.json' assert { type: 'json' };

setInterval(() => refresh(config), 60_000);

function refresh(c) {
  return c;
}
